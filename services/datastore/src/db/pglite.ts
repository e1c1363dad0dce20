/**
 * The embedded engine: PGlite (Postgres compiled to WASM) in this process,
 * with its files in a directory (or in memory).
 *
 * PGlite has exactly one connection. It already queues statements, and
 * `transaction` holds that connection until the callback settles, so
 * statements from outside wait for the transaction to finish. Statements
 * issued concurrently *inside* one transaction are queued here so they never
 * interleave. There is no server, so there are no statement timeouts and no
 * reconnects; notifications are delivered in-process after commit. Only one
 * process may open a data directory (a lock file enforces it).
 *
 * @example
 * ```ts
 * const db = await openPGlite({ pgdataDir: './data/pgdata' });
 * ```
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { UnavailableError } from '../errors.js';
import { type DatastoreLogger, stderrLogger } from '../logger.js';
import { lockDataDir, type ReleaseLock } from './pglite-lock.js';
import { validateSchemaName } from './schema-name.js';
import { StatementQueue } from './statement-queue.js';
import { resolveTransactionOptions, retrySerializationFailures } from './transaction-options.js';
import { translateDbError } from './translate-error.js';
import { assertNotInsideTransaction, runInsideTransaction } from './tx-guard.js';
import { pgliteParsers } from './type-parsers.js';
import type { Db, ListenOptions, QueryResult, TransactionOptions, Tx, Unlisten } from './types.js';

/** Options of {@link openPGlite}. */
export interface PGliteOptions {
  /** The Postgres data directory (created if missing); omit for an in-memory database. */
  pgdataDir?: string;
  /** Schema to run in (created by the migrations if missing); default `public`. */
  schema?: string;
  /** Where notification-handler failures are reported; default JSON lines on stderr. */
  logger?: DatastoreLogger;
  /** Start from this data directory tarball (from {@link dumpEmbeddedDatabase}) instead of an empty cluster. */
  loadDataDir?: Blob;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens (creating if needed) an embedded database. Does not migrate (see `openDatastore`). */
export async function openPGlite(options: PGliteOptions = {}): Promise<Db> {
  const schema = validateSchemaName(options.schema ?? 'public');
  let release: ReleaseLock = async () => undefined;
  if (options.pgdataDir !== undefined) {
    await mkdir(dirname(options.pgdataDir), { recursive: true });
    release = await lockDataDir(options.pgdataDir);
  }
  let pglite: PGlite | undefined;
  try {
    pglite = await PGlite.create({
      dataDir: options.pgdataDir,
      parsers: pgliteParsers,
      ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
    });
    // One connection, so a session-level search_path applies to every statement.
    await pglite.query(`SET search_path TO ${schema}`);
    return new PGliteDb(pglite, schema, options.logger ?? stderrLogger, release);
  } catch (err) {
    await pglite?.close().catch(() => undefined);
    await release();
    const where = options.pgdataDir === undefined ? '' : ` in ${options.pgdataDir}`;
    throw new UnavailableError(`cannot open the embedded database${where}: ${String(err)}`, { cause: err });
  }
}

/**
 * Dumps an embedded database's whole data directory as an uncompressed tarball, to open copies of
 * it later with `openPGlite({ loadDataDir })` (test databases start from a migrated template).
 * Throws a `TypeError` for a `Db` that is not embedded.
 */
export async function dumpEmbeddedDatabase(db: Db): Promise<Blob> {
  if (!(db instanceof PGliteDb)) throw new TypeError('dumpEmbeddedDatabase: not an embedded (PGlite) database');
  return db.dumpDataDir();
}

class PGliteDb implements Db {
  readonly inTransaction = false as const;
  readonly engine = 'pglite' as const;
  readonly schema: string;
  readonly #pglite: PGlite;
  readonly #logger: DatastoreLogger;
  readonly #release: ReleaseLock;
  #closed = false;

  constructor(pglite: PGlite, schema: string, logger: DatastoreLogger, release: ReleaseLock) {
    this.#pglite = pglite;
    this.schema = schema;
    this.#logger = logger;
    this.#release = release;
  }

  async query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    this.#assertUsable('query');
    try {
      const result = await this.#pglite.query<R>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
    } catch (err) {
      throw translateDbError(err);
    }
  }

  async exec(sql: string): Promise<void> {
    this.#assertUsable('exec');
    try {
      await this.#pglite.exec(sql);
    } catch (err) {
      throw translateDbError(err);
    }
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    this.#assertUsable('transaction');
    const { modes, maxAttempts } = resolveTransactionOptions(options);
    return retrySerializationFailures(maxAttempts, async () => {
      try {
        return await this.#pglite.transaction(async (inner) => {
          const tx = new PGliteTx(inner);
          try {
            if (modes !== '') await tx.query(`SET TRANSACTION ${modes}`);
            const result = await runInsideTransaction(this, () => fn(tx));
            await tx.settle();
            return result;
          } catch (err) {
            await tx.settle().catch(() => undefined);
            throw err;
          }
        });
      } catch (err) {
        throw translateDbError(err);
      }
    });
  }

  async listen(channel: string, onPayload: (payload: string) => void, _options?: ListenOptions): Promise<Unlisten> {
    this.#assertUsable('listen');
    if (!CHANNEL_NAME.test(channel)) {
      throw new TypeError(`listen: channel must be a lowercase identifier (got ${JSON.stringify(channel)})`);
    }
    const guarded = (payload: string): void => {
      try {
        onPayload(payload);
      } catch (err) {
        this.#logger.error('datastore notification handler threw', { channel, error: err });
      }
    };
    let unlisten: (tx?: Transaction) => Promise<void>;
    try {
      unlisten = await this.#pglite.listen(channel, guarded);
    } catch (err) {
      throw translateDbError(err);
    }
    let removed = false;
    return async () => {
      if (removed || this.#closed) return;
      removed = true;
      await unlisten();
    };
  }

  /** The data directory as an uncompressed tarball; see {@link dumpEmbeddedDatabase}. */
  dumpDataDir(): Promise<Blob> {
    return this.#pglite.dumpDataDir('none');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#pglite.close();
    } finally {
      await this.#release();
    }
  }

  #assertUsable(operation: string): void {
    if (this.#closed) throw new UnavailableError('datastore is closed');
    assertNotInsideTransaction(this, operation);
  }
}

/** A transaction on the single PGlite connection. */
class PGliteTx implements Tx {
  readonly inTransaction = true as const;
  readonly #inner: Transaction;
  readonly #statements = new StatementQueue();

  constructor(inner: Transaction) {
    this.#inner = inner;
  }

  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.#statements.run(async () => {
      const result = await this.#inner.query<R>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
    });
  }

  exec(sql: string): Promise<void> {
    return this.#statements.run(async () => {
      await this.#inner.exec(sql);
    });
  }

  /** Waits for queued statements, refuses new ones, and rethrows the first statement failure. */
  async settle(): Promise<void> {
    await this.#statements.finish();
    this.#statements.throwIfFailed();
  }
}
