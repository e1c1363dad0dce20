/**
 * Migrations: recorded versions and checksums, idempotence, refusal to start
 * on an edited migration or a newer database, all-or-nothing application.
 * Scenarios run in scratch schemas of the suite database.
 * @module
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { MigrationError } from '../errors.js';
import { MIGRATIONS } from '../migrations/index.js';
import { applyMigrations } from '../migrations/migrate.js';
import { type Migration, migrationChecksum } from '../migrations/migration.js';
import { at, rejectsWith, type SuiteContext } from './context.js';

const createA: Migration = { version: 1, name: 'create_a', sql: 'CREATE TABLE a (id integer PRIMARY KEY);' };
const addColumn: Migration = { version: 2, name: 'add_b', sql: 'ALTER TABLE a ADD COLUMN b text;' };

/** Registers the migration tests (scratch schemas of the suite database). */
export function migrationsSuite(ctx: SuiteContext): void {
  describe('migrations', () => {
    const scratch: string[] = [];
    const newSchema = (): string => {
      const schema = `signet_mig_${randomBytes(4).toString('hex')}`;
      scratch.push(schema);
      return schema;
    };
    const tableExists = async (schema: string, table: string): Promise<boolean> => {
      const { rows } = await ctx.db.query('SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [schema, table]);
      return rows.length === 1;
    };
    afterEach(async () => {
      for (const schema of scratch.splice(0)) await ctx.db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });

    it('records every migration of this build with its name and checksum', async () => {
      const { rows } = await ctx.db.query<{ version: number; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      assert.deepEqual(
        rows,
        MIGRATIONS.map((m) => ({ version: m.version, name: m.name, checksum: migrationChecksum(m) })),
      );
    });

    it('applying again at the same version changes nothing', async () => {
      const result = await applyMigrations(ctx.db);
      assert.deepEqual(result, { fromVersion: MIGRATIONS.length, toVersion: MIGRATIONS.length, applied: [] });
    });

    it('applies pending migrations in order into a new schema, stamping applied_at', async () => {
      const schema = newSchema();
      const first = await applyMigrations(ctx.db, { schema, migrations: [createA], clock: { now: () => at(0) } });
      assert.deepEqual(first, { fromVersion: 0, toVersion: 1, applied: ['0001_create_a'] });
      const second = await applyMigrations(ctx.db, { schema, migrations: [createA, addColumn], clock: { now: () => at(5) } });
      assert.deepEqual(second, { fromVersion: 1, toVersion: 2, applied: ['0002_add_b'] });
      const { rows } = await ctx.db.query<{ version: number; applied_at: Date }>(
        `SELECT version, applied_at FROM ${schema}.schema_migrations ORDER BY version`,
      );
      assert.deepEqual(rows, [
        { version: 1, applied_at: at(0) },
        { version: 2, applied_at: at(5) },
      ]);
      await ctx.db.query(`INSERT INTO ${schema}.a (id, b) VALUES (1, 'x')`);
    });

    it('refuses to start when an applied migration was edited, naming both checksums', async () => {
      const schema = newSchema();
      await applyMigrations(ctx.db, { schema, migrations: [createA] });
      const edited: Migration = { ...createA, sql: 'CREATE TABLE a (id bigint PRIMARY KEY);' };
      const err = await rejectsWith(applyMigrations(ctx.db, { schema, migrations: [edited] }), {
        type: MigrationError,
        code: 'ERR_DATASTORE_MIGRATION',
        message: '0001_create_a',
      });
      assert.ok(err.message.includes(migrationChecksum(createA)), err.message);
      assert.ok(err.message.includes(migrationChecksum(edited)), err.message);
    });

    it('refuses to start when the database is newer than the code, naming both versions', async () => {
      const schema = newSchema();
      await applyMigrations(ctx.db, { schema, migrations: [createA, addColumn] });
      await rejectsWith(applyMigrations(ctx.db, { schema, migrations: [createA] }), {
        type: MigrationError,
        code: 'ERR_DATASTORE_MIGRATION',
        message: /at version 2 but this build only knows versions up to 1/,
      });
    });

    it('rolls back every pending migration when one fails, keeping the schema untouched', async () => {
      const schema = newSchema();
      const broken: Migration = { version: 2, name: 'broken', sql: 'ALTER TABLE missing_table ADD COLUMN x int;' };
      await rejectsWith(applyMigrations(ctx.db, { schema, migrations: [createA, broken] }), {
        type: MigrationError,
        code: 'ERR_DATASTORE_MIGRATION',
        message: '0002_broken failed',
      });
      assert.equal(await tableExists(schema, 'a'), false);
      assert.equal(await tableExists(schema, 'schema_migrations'), false);
    });

    it('refuses a migration list that is not numbered 1, 2, 3, ...', async () => {
      await assert.rejects(applyMigrations(ctx.db, { schema: newSchema(), migrations: [addColumn] }), TypeError);
      await assert.rejects(
        applyMigrations(ctx.db, { schema: newSchema(), migrations: [{ ...createA, name: 'Bad Name' }] }),
        TypeError,
      );
    });

    describe('0004 replaces bounded regular expressions with length tests that accept exactly the same values', () => {
      // [what, the 0001 expression, the 0004 expression], over the value $1.
      const checks: ReadonlyArray<readonly [string, string, string]> = [
        ['trust domain names', "$1 ~ '^[a-z0-9._-]{1,255}$'", 'is_trust_domain($1)'],
        ['record ids', "$1 ~ '^[!-~]{1,255}$'", 'is_record_id($1)'],
        ['selector and token hashes', "$1 ~ '^[0-9a-f]{64}$'", "char_length($1) = 64 AND $1 ~ '^[0-9a-f]+$'"],
        ['selector types', "$1 ~ '^[^:[:space:]]{1,128}$'", "char_length($1) <= 128 AND $1 ~ '^[^:[:space:]]+$'"],
        ['attestation types', "$1 ~ '^[A-Za-z0-9._-]{1,128}$'", "char_length($1) <= 128 AND $1 ~ '^[A-Za-z0-9._-]+$'"],
        ['agent certificate serials', "$1 ~ '^[0-9a-f]{1,64}$'", "char_length($1) <= 64 AND $1 ~ '^[0-9a-f]+$'"],
        ['ledger serials', "$1 ~ '^[!-~]{1,128}$'", "char_length($1) <= 128 AND $1 ~ '^[!-~]+$'"],
        ['server SVID request services', "$1 ~ '^[a-z][a-z0-9_-]{0,62}$'", "char_length($1) <= 63 AND $1 ~ '^[a-z][a-z0-9_-]*$'"],
      ];
      const values = [
        '',
        'a',
        'example.org',
        'Example.org',
        'ab:cd',
        'a b',
        'x\ty',
        'é',
        'ééé',
        '~!#',
        '0123456789abcdef',
        'f'.repeat(63),
        'f'.repeat(64),
        'f'.repeat(65),
        'a'.repeat(127),
        'a'.repeat(128),
        'a'.repeat(129),
        'a'.repeat(255),
        'a'.repeat(256),
        'é'.repeat(128),
        'é'.repeat(129),
        '-a',
        'a_b-c',
        'A',
        'a\n',
      ];
      for (const [what, before, after] of checks) {
        it(`${what}`, async () => {
          for (const v of values) {
            const { rows } = await ctx.db.query<{ before: boolean; after: boolean }>(
              `SELECT coalesce(${before}, false) AS before, coalesce(${after}, false) AS after`,
              [v],
            );
            assert.equal(rows[0]?.after, rows[0]?.before, `${what}: ${JSON.stringify(v)} (length ${v.length})`);
          }
        });
      }
    });
  });
}
