/**
 * Lets repositories accept either a `Db` or a `Tx`.
 * @module
 */
import type { Queryable, Tx } from './types.js';

/**
 * Runs `fn` in a transaction: the caller's own when `q` is a {@link Tx}, a new
 * one (with the `Db`'s serialization retries) when `q` is the `Db`.
 *
 * @example
 * ```ts
 * return runInTransaction(q, async (tx) => { await tx.query(a); await tx.query(b); });
 * ```
 */
export function runInTransaction<T>(q: Queryable, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return q.inTransaction ? fn(q) : q.transaction(fn);
}
