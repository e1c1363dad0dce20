/**
 * Throw-away databases for tests of the datastore and of the services built
 * on it: embedded PGlite in memory (copied from a migrated template), or a fresh schema on a
 * Postgres server (so test files running in parallel never collide).
 *
 * The Postgres server is taken from `SIGNET_TEST_DATABASE_URL` (default
 * `postgres://postgres@127.0.0.1:5432/test`); {@link probeTestPostgres} tells
 * whether it answers, so a test file can skip (or, under CI, fail) with a
 * clear reason.
 *
 * @example
 * ```ts
 * const { db, dispose } = await openPGliteTestDatabase();
 * after(dispose);
 * ```
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { PostgresOptions } from '../db/postgres.js';
import { quoteIdent } from '../db/schema-name.js';
import type { Db } from '../db/types.js';
import { silentLogger } from '../logger.js';
import { openDatastore } from '../open.js';
import { dumpEmbeddedDatabase, openPGlite } from '../db/pglite.js';
import { applyMigrations } from '../migrations/migrate.js';
import { MIGRATIONS } from '../migrations/index.js';
import { migrationChecksum } from '../migrations/migration.js';

/** A database opened for a test, and how to throw it away. */
export interface TestDatabase {
  /** The open, migrated datastore. */
  readonly db: Db;
  /** Closes the datastore and deletes its files or schema. */
  dispose(): Promise<void>;
}

/** Whether the test Postgres server answers. */
export type TestPostgresProbe =
  | { readonly available: true; readonly url: string }
  | { readonly available: false; readonly url: string; readonly reason: string };

const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The Postgres URL tests use: `SIGNET_TEST_DATABASE_URL`, or a local default. */
export function testDatabaseUrl(): string {
  const fromEnv = process.env['SIGNET_TEST_DATABASE_URL'];
  return fromEnv === undefined || fromEnv === '' ? DEFAULT_TEST_DATABASE_URL : fromEnv;
}

/** Connects once (3 s timeout) to tell whether the test server is usable. */
export async function probeTestPostgres(url: string = testDatabaseUrl()): Promise<TestPostgresProbe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { available: true, url };
  } catch (err) {
    return { available: false, url, reason: `Postgres at ${redact(url)} is unreachable: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Opens a migrated PGlite datastore in memory. Every call starts from a copy of one migrated
 * template (built once, then kept as a tarball in the OS temp directory, keyed by the migrations),
 * which takes about a second instead of the several seconds of a fresh cluster plus migrations.
 */
export async function openPGliteTestDatabase(): Promise<TestDatabase> {
  let db: Db;
  try {
    db = await openFromTemplate(await pgliteTemplate());
  } catch {
    // A cached template from another PGlite build: rebuild it once.
    templatePromise = buildTemplate(true);
    db = await openFromTemplate(await templatePromise);
  }
  return { db, dispose: () => db.close() };
}

async function openFromTemplate(template: Blob): Promise<Db> {
  const db = await openPGlite({ loadDataDir: template, logger: silentLogger });
  try {
    await applyMigrations(db, { logger: silentLogger });
    return db;
  } catch (err) {
    await db.close();
    throw err;
  }
}

let templatePromise: Promise<Blob> | undefined;

function pgliteTemplate(): Promise<Blob> {
  templatePromise ??= buildTemplate(false);
  return templatePromise;
}

/** The migrated template: read from the temp-dir cache, or built and written there atomically. */
async function buildTemplate(rebuild: boolean): Promise<Blob> {
  const key = createHash('sha256').update(MIGRATIONS.map(migrationChecksum).join(',')).digest('hex').slice(0, 16);
  const file = join(tmpdir(), `signet-pglite-template-${key}.tar`);
  if (!rebuild) {
    try {
      return new Blob([await readFile(file)]);
    } catch {
      // not cached yet
    }
  }
  const db = await openPGlite({ logger: silentLogger });
  try {
    await applyMigrations(db, { logger: silentLogger });
    const blob = await dumpEmbeddedDatabase(db);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, new Uint8Array(await blob.arrayBuffer()));
    await rename(tmp, file);
    return blob;
  } finally {
    await db.close();
  }
}

/** Options of {@link openPostgresTestDatabase}. */
export interface PostgresTestDatabaseOptions extends Partial<Omit<PostgresOptions, 'url' | 'schema'>> {
  /** Server URL; default {@link testDatabaseUrl}. */
  url?: string;
}

/** Opens a migrated Postgres datastore in a fresh, randomly named schema (`signet_test_…`). */
export async function openPostgresTestDatabase(options: PostgresTestDatabaseOptions = {}): Promise<TestDatabase> {
  const { url = testDatabaseUrl(), ...engineOptions } = options;
  const schema = `signet_test_${randomBytes(6).toString('hex')}`;
  const db = await openDatastore({ logger: silentLogger, ...engineOptions, url, schema });
  return {
    db,
    dispose: async () => {
      await db.close();
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/**
 * Empties every table of the datastore's schema (except the migration
 * record) and restarts its sequences, so tests sharing one database start
 * from the same state. Rows are deleted child tables first (DELETE is much
 * cheaper than TRUNCATE on small tables).
 */
export async function resetDatastore(db: Db): Promise<void> {
  const tables = await db.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables
      WHERE schemaname = current_schema() AND tablename NOT IN ('schema_migrations', 'change_events_retention')`,
  );
  const references = await db.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace AND c.conrelid <> c.confrelid`,
  );
  const statements = childrenFirst(
    tables.rows.map((t) => t.name),
    references.rows,
  ).map((table) => `DELETE FROM ${quoteIdent(table)};`);
  statements.push(
    'UPDATE change_events_retention SET pruned_through = 0;',
    `SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false)
       FROM pg_sequences WHERE schemaname = current_schema();`,
  );
  await db.transaction(async (tx) => tx.exec(statements.join('\n')));
}

/** Orders tables so that every referencing table comes before the tables it references. */
function childrenFirst(tables: readonly string[], references: readonly { child: string; parent: string }[]): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string): void => {
    if (ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const ref of references) if (ref.parent === table) visit(ref.child);
    ordered.push(table);
  };
  for (const table of [...tables].sort()) visit(table);
  return ordered;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
