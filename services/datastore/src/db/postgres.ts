/**
 * The Postgres engine: a `pg` connection pool plus a dedicated LISTEN client.
 *
 * Every pooled connection is opened with the schema as `search_path`, an
 * `application_name`, a statement timeout and an idle-in-transaction timeout,
 * so a stuck statement or a forgotten transaction cannot hold locks forever.
 *
 * @example
 * ```ts
 * const db = await openPostgres({ url: 'postgres://signet@db:5432/signet', applicationName: 'signet-registrar' });
 * const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM registration_entries');
 * ```
 * @module
 */
import pg from 'pg';
import { UnavailableError } from '../errors.js';
import { type DatastoreLogger, stderrLogger } from '../logger.js';
import { PgListener } from './pg-listener.js';
import { validateSchemaName } from './schema-name.js';
import { StatementQueue } from './statement-queue.js';
import { resolveTransactionOptions, retrySerializationFailures } from './transaction-options.js';
import { translateDbError } from './translate-error.js';
import { assertNotInsideTransaction, runInsideTransaction } from './tx-guard.js';
import { pgTypeParsers } from './type-parsers.js';
import type { Db, ListenOptions, QueryResult, TransactionOptions, Tx, Unlisten } from './types.js';

/** Options of {@link openPostgres}. */
export interface PostgresOptions {
  /** A `postgres://` connection URL. */
  url: string;
  /** Schema to run in (created by the migrations if missing); default `public`. */
  schema?: string;
  /** `application_name` of pooled connections; the listener appends `-listen`. Default `signet`. */
  applicationName?: string;
  /** Maximum pooled connections; default 10. */
  poolSize?: number;
  /** Server-side statement timeout in ms; default 30 000. 0 disables. */
  statementTimeoutMs?: number;
  /** Server-side idle-in-transaction session timeout in ms; default 60 000. 0 disables. */
  idleInTransactionTimeoutMs?: number;
  /** How long to wait for a connection (new or from the pool) in ms; default 10 000. */
  connectTimeoutMs?: number;
  /** How often the LISTEN connection is probed, in ms; default 30 000. 0 disables. */
  listenerHealthCheckMs?: number;
  /** Where connection problems are reported; default JSON lines on stderr. */
  logger?: DatastoreLogger;
}

/** Opens a pool and checks that the server answers. Does not migrate (see `openDatastore`). */
export async function openPostgres(options: PostgresOptions): Promise<Db> {
  const db = new PostgresDb(options);
  try {
    await db.query('SELECT 1');
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

class PostgresDb implements Db {
  readonly inTransaction = false as const;
  readonly engine = 'postgres' as const;
  readonly schema: string;
  readonly #pool: pg.Pool;
  readonly #listener: PgListener;
  #closed = false;

  constructor(options: PostgresOptions) {
    this.schema = validateSchemaName(options.schema ?? 'public');
    const logger = options.logger ?? stderrLogger;
    const applicationName = options.applicationName ?? 'signet';
    const base: pg.ClientConfig = {
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      keepAlive: true,
      types: pgTypeParsers,
      options: `-c search_path=${this.schema}`,
    };
    this.#pool = new pg.Pool({
      ...base,
      application_name: applicationName,
      max: options.poolSize ?? 10,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    });
    // An idle pooled client whose connection dies emits 'error' on the pool; without a
    // handler Node would crash the process. The pool discards the client by itself.
    this.#pool.on('error', (err) => logger.warn('datastore idle connection failed', { error: err }));
    const healthCheckMs = options.listenerHealthCheckMs ?? 30_000;
    this.#listener = new PgListener({
      client: { ...base, application_name: `${applicationName}-listen`, query_timeout: healthCheckMs > 0 ? 10_000 : undefined },
      logger,
      healthCheckMs,
    });
  }

  async query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    this.#assertUsable('query');
    try {
      const result = await this.#pool.query<R>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw translateDbError(err);
    }
  }

  async exec(sql: string): Promise<void> {
    this.#assertUsable('exec');
    try {
      await this.#pool.query(sql);
    } catch (err) {
      throw translateDbError(err);
    }
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    this.#assertUsable('transaction');
    const { modes, maxAttempts } = resolveTransactionOptions(options);
    return retrySerializationFailures(maxAttempts, () => this.#attempt(fn, modes));
  }

  async listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<Unlisten> {
    this.#assertUsable('listen');
    return this.#listener.add(channel, onPayload, options);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#listener.close();
    await this.#pool.end();
  }

  async #attempt<T>(fn: (tx: Tx) => Promise<T>, modes: string): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw translateDbError(err);
    }
    const tx = new PgTx(client);
    let broken: Error | undefined;
    try {
      await client.query(modes === '' ? 'BEGIN' : `BEGIN ${modes}`);
      const result = await runInsideTransaction(this, () => fn(tx));
      await tx.settle();
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await tx.settle().catch(() => undefined);
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // The connection is unusable: do not return it to the pool.
        broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      }
      throw translateDbError(err);
    } finally {
      client.release(broken);
    }
  }

  #assertUsable(operation: string): void {
    if (this.#closed) throw new UnavailableError('datastore is closed');
    assertNotInsideTransaction(this, operation);
  }
}

/** A transaction on one pooled client. */
class PgTx implements Tx {
  readonly inTransaction = true as const;
  readonly #client: pg.PoolClient;
  readonly #statements = new StatementQueue();

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.#statements.run(async () => {
      const result = await this.#client.query<R>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    });
  }

  exec(sql: string): Promise<void> {
    return this.#statements.run(async () => {
      await this.#client.query(sql);
    });
  }

  /** Waits for queued statements, refuses new ones, and rethrows the first statement failure. */
  async settle(): Promise<void> {
    await this.#statements.finish();
    this.#statements.throwIfFailed();
  }
}
