/**
 * Applies the schema migrations, safely when several replicas start at once.
 *
 * Everything happens in one transaction holding a transaction-level advisory
 * lock keyed by the schema name: the first replica migrates, the others wait
 * on the lock, then find nothing left to do. The `schema_migrations` table
 * records each applied migration's version, name, checksum and time. Startup
 * is refused (with {@link MigrationError}) when
 * - the database is at a newer version than this build knows (a rollback of
 *   the binary after an upgrade),
 * - an applied migration's checksum or name differs from this build's (the
 *   SQL of a released migration was edited),
 * - applied versions have a gap,
 * - a pending migration fails (nothing of it, or of later ones, is kept).
 *
 * @example
 * ```ts
 * const result = await applyMigrations(db);
 * console.log(`schema at version ${result.toVersion}`, result.applied);
 * ```
 * @module
 */
import { type Clock, systemClock } from '../clock.js';
import { migrationLockKey } from '../db/advisory-locks.js';
import { quoteIdent, validateSchemaName } from '../db/schema-name.js';
import type { Db, Tx } from '../db/types.js';
import { DatastoreError, MigrationError } from '../errors.js';
import { type DatastoreLogger, silentLogger } from '../logger.js';
import { MIGRATIONS } from './index.js';
import { type Migration, migrationChecksum, migrationLabel } from './migration.js';

/** Options of {@link applyMigrations}. */
export interface MigrateOptions {
  /** Schema to migrate; default the `Db`'s own schema. */
  schema?: string;
  /** The migrations this build knows; default {@link MIGRATIONS}. */
  migrations?: readonly Migration[];
  /** Stamps `applied_at`; default the system clock. */
  clock?: Clock;
  /** Receives one line per applied migration. */
  logger?: DatastoreLogger;
  /** Statement timeout while migrating (and waiting for another replica's lock), in ms; default 300 000. */
  timeoutMs?: number;
}

/** What {@link applyMigrations} did. */
export interface MigrateResult {
  /** Version before (0 for an empty schema). */
  fromVersion: number;
  /** Version after. */
  toVersion: number;
  /** Labels (`0001_init`) of the migrations applied now, in order. */
  applied: string[];
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Brings `schema` up to the newest migration, or refuses with {@link MigrationError}. */
export async function applyMigrations(db: Db, options: MigrateOptions = {}): Promise<MigrateResult> {
  const schema = validateSchemaName(options.schema ?? db.schema);
  const migrations = checkMigrationList(options.migrations ?? MIGRATIONS);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 300_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw new TypeError('applyMigrations: timeoutMs must be an integer >= 0');

  const result = await db.transaction(
    async (tx) => {
      await tx.exec(`SET LOCAL statement_timeout = ${timeoutMs}`);
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [migrationLockKey(schema)]);
      const exists = await tx.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (exists.rowCount === 0) await tx.exec(`CREATE SCHEMA ${quoteIdent(schema)}`);
      await tx.exec(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
      await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL
      )`);
      const { rows } = await tx.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
      const fromVersion = verifyApplied(schema, rows, migrations);
      const applied: string[] = [];
      for (const migration of migrations.filter((m) => m.version > fromVersion)) {
        await applyOne(tx, migration, clock.now());
        applied.push(migrationLabel(migration));
      }
      return { fromVersion, toVersion: Math.max(fromVersion, migrations.length), applied };
    },
    { maxAttempts: 1 },
  );
  for (const label of result.applied) logger.info('datastore migration applied', { schema, migration: label });
  return result;
}

async function applyOne(tx: Tx, migration: Migration, now: Date): Promise<void> {
  try {
    await tx.exec(migration.sql);
    await tx.query('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [
      migration.version,
      migration.name,
      migrationChecksum(migration),
      now,
    ]);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MigrationError(`migration ${migrationLabel(migration)} failed and was rolled back: ${reason}`, {
      cause: err,
      constraint: err instanceof DatastoreError ? err.constraint : undefined,
    });
  }
}

/** Returns the applied version after checking the recorded rows against the known migrations. */
function verifyApplied(schema: string, rows: readonly AppliedRow[], migrations: readonly Migration[]): number {
  const knownVersion = migrations.length;
  const appliedVersion = rows.at(-1)?.version ?? 0;
  if (appliedVersion > knownVersion) {
    throw new MigrationError(
      `schema_migrations: schema "${schema}" is at version ${appliedVersion} but this build only knows versions up to ${knownVersion}; ` +
        'run a Signet release that includes the newer migrations (refusing to start)',
      { field: 'schema_migrations.version' },
    );
  }
  rows.forEach((row, index) => {
    if (row.version !== index + 1) {
      throw new MigrationError(
        `schema_migrations: schema "${schema}" has a gap: version ${index + 1} is missing before version ${row.version}`,
        { field: 'schema_migrations.version' },
      );
    }
    const known = migrations[index] as Migration;
    const checksum = migrationChecksum(known);
    if (row.checksum !== checksum || row.name !== known.name) {
      throw new MigrationError(
        `schema_migrations: applied migration ${migrationLabel(row)} (checksum ${row.checksum}) differs from this build's ` +
          `${migrationLabel(known)} (checksum ${checksum}); released migrations must never be edited (refusing to start)`,
        { field: 'schema_migrations.checksum' },
      );
    }
  });
  return appliedVersion;
}

function checkMigrationList(migrations: readonly Migration[]): readonly Migration[] {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) {
      throw new TypeError(`migrations must be numbered 1, 2, 3, ... in order (position ${index} has version ${m.version})`);
    }
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(m.name)) {
      throw new TypeError(`migration ${m.version}: name must be snake_case (got ${JSON.stringify(m.name)})`);
    }
  });
  return migrations;
}
