/**
 * The engine-neutral database interface every repository is written against.
 *
 * Two engines implement it with the same SQL: a `pg` pool against a Postgres
 * server, and embedded PGlite (Postgres compiled to WASM) for single-node
 * installs and tests. Values come back the same way from both:
 *
 * - `bigint` (int8) columns are JS `number`s; a value beyond ±(2^53 − 1)
 *   raises `InternalError` rather than silently losing precision
 *   (revisions and sequences will not get there: 2^53 events at a million per
 *   second take 285 years);
 * - `bytea` is a plain `Uint8Array` (not a Node `Buffer`), `bytea[]` an array of them;
 * - `timestamptz` is a `Date`, `jsonb` is parsed JSON, `text[]` is `string[]`.
 *
 * Repositories accept a {@link Queryable}: either the {@link Db} itself (each
 * multi-statement write then opens its own transaction) or a {@link Tx} handed
 * out by `db.transaction` (everything joins the caller's transaction).
 *
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   const entry = await createEntry(tx, input, now);
 *   await appendEvent(tx, { kind: 'entry.created', subject: entry.id }, now);
 * });
 * ```
 * @module
 */
/** Which engine a {@link Db} runs on. */
export type Engine = 'postgres' | 'pglite';

/** The rows a statement returned, and how many rows it returned or changed. */
export interface QueryResult<R> {
  /** Result rows, one object per row keyed by column name. */
  rows: R[];
  /** Rows returned (SELECT) or changed (INSERT, UPDATE, DELETE). */
  rowCount: number;
}

/** What both a {@link Db} and a {@link Tx} can do. */
export interface SqlRunner {
  /**
   * Runs one statement with positional parameters (`$1`, `$2`, ...).
   * Driver errors are translated to `DatastoreError` subclasses.
   */
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs one or more statements without parameters (used for migrations). */
  exec(sql: string): Promise<void>;
}

/** A handle to an open transaction; valid only until the transaction callback returns. */
export interface Tx extends SqlRunner {
  /** Discriminates a transaction from a {@link Db}. */
  readonly inTransaction: true;
}

/** Transaction isolation levels. */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/** Options of {@link Db.transaction}. */
export interface TransactionOptions {
  /** Isolation level; default `read committed`. */
  isolation?: IsolationLevel;
  /** Open the transaction READ ONLY. */
  readOnly?: boolean;
  /**
   * How many times the callback may run in total when the transaction fails
   * with a serialization failure (40001) or a deadlock (40P01); default 3.
   * The callback must therefore not have effects outside the database.
   */
  maxAttempts?: number;
}

/** Options of {@link Db.listen}. */
export interface ListenOptions {
  /**
   * Called after the listening connection was lost and re-established:
   * notifications sent in between were missed, so the caller should re-read.
   */
  onReconnect?: () => void;
}

/** Stops listening; resolves once the channel is no longer listened to for this callback. */
export type Unlisten = () => Promise<void>;

/** An open datastore: a connection pool (or an embedded database) with a schema. */
export interface Db extends SqlRunner {
  /** Discriminates a {@link Db} from a {@link Tx}. */
  readonly inTransaction: false;
  /** The engine behind this handle. */
  readonly engine: Engine;
  /** The Postgres schema (search_path) every statement runs in. */
  readonly schema: string;
  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it
   * throws. Serialization failures and deadlocks are retried (see
   * {@link TransactionOptions.maxAttempts}). Inside `fn`, use only the `tx`
   * handle: calling this `Db` from inside its own transaction throws a
   * `TypeError` (on PGlite it would deadlock; on Postgres it would silently run
   * outside the transaction).
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Calls `onPayload` for every NOTIFY on `channel` (delivered after the
   * notifying transaction commits). On Postgres a dedicated connection
   * listens and is re-established after a loss, then `onReconnect` runs.
   */
  listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<Unlisten>;
  /** Closes every connection (or the embedded database). Further calls fail. */
  close(): Promise<void>;
}

/** A {@link Db} or a {@link Tx}: what repositories accept. */
export type Queryable = Db | Tx;
