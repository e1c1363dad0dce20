/**
 * The entry point: open the datastore a service is configured with, and
 * bring its schema up to date.
 *
 * With a `url`, Signet talks to a Postgres server through a connection pool;
 * without one, it runs embedded PGlite with its files in `<dataDir>/pgdata`.
 * Both run the same SQL and return values the same way.
 *
 * @example
 * ```ts
 * import { openDatastore } from '@signet/datastore';
 * const db = await openDatastore({ url: process.env.SIGNET_DATABASE_URL, dataDir: '/var/lib/signet' });
 * try { ... } finally { await db.close(); }
 * ```
 * @module
 */
import { join } from 'node:path';
import type { Clock } from './clock.js';
import { openPGlite } from './db/pglite.js';
import { openPostgres, type PostgresOptions } from './db/postgres.js';
import type { Db } from './db/types.js';
import { InvalidArgumentError } from './errors.js';
import type { DatastoreLogger } from './logger.js';
import { applyMigrations } from './migrations/migrate.js';
import type { Migration } from './migrations/migration.js';

/** Options of {@link openDatastore}. */
export interface OpenDatastoreOptions extends Partial<Omit<PostgresOptions, 'url'>> {
  /** A `postgres://` URL; when absent (or empty), the embedded engine is used. */
  url?: string | undefined;
  /** Directory for the embedded engine's files (`<dataDir>/pgdata`); required without `url`. */
  dataDir?: string | undefined;
  /** Apply pending migrations while opening; default true. */
  migrate?: boolean;
  /** Migrations to apply; default every migration of this build. */
  migrations?: readonly Migration[];
  /** Stamps `schema_migrations.applied_at`; default the system clock. */
  clock?: Clock;
  /** Where connection problems and applied migrations are reported. */
  logger?: DatastoreLogger;
}

/**
 * Opens Postgres (when `url` is set) or embedded PGlite (in `dataDir`), then
 * applies pending migrations. Rejects with `MigrationError` when the schema
 * is newer than this build or an applied migration was edited, and with
 * `UnavailableError` when the database cannot be reached.
 */
export async function openDatastore(options: OpenDatastoreOptions): Promise<Db> {
  const { url, dataDir, migrate = true, migrations, clock, ...engineOptions } = options;
  let db: Db;
  if (url !== undefined && url !== '') {
    db = await openPostgres({ ...engineOptions, url });
  } else if (dataDir !== undefined && dataDir !== '') {
    db = await openPGlite({ pgdataDir: join(dataDir, 'pgdata'), schema: options.schema, logger: options.logger });
  } else {
    throw new InvalidArgumentError('dataDir: required when no database url is configured (embedded engine)', {
      field: 'dataDir',
    });
  }
  if (!migrate) return db;
  try {
    await applyMigrations(db, { migrations, clock, logger: options.logger });
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
