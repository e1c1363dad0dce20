/**
 * Detects a `Db` being used from inside one of its own transactions.
 *
 * Inside `db.transaction(fn)`, `fn` must use its `tx` handle. A call to
 * `db.query` there would deadlock on PGlite (one connection, held by the
 * transaction) and on Postgres would silently run outside the transaction, so
 * both engines throw a `TypeError` instead. The set of databases whose
 * transaction callback is running is tracked per async context.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const active = new AsyncLocalStorage<ReadonlySet<object>>();

/** Runs `fn` marked as being inside a transaction of `db`. */
export function runInsideTransaction<T>(db: object, fn: () => Promise<T>): Promise<T> {
  const next = new Set(active.getStore());
  next.add(db);
  return active.run(next, fn);
}

/** Runs `fn` outside of any transaction marking (for long-lived resources created lazily). */
export function runOutsideTransactions<T>(fn: () => T): T {
  return active.exit(fn);
}

/** Throws a `TypeError` when called from inside a transaction callback of `db`. */
export function assertNotInsideTransaction(db: object, operation: string): void {
  if (active.getStore()?.has(db)) {
    throw new TypeError(
      `Db.${operation} called inside a transaction of the same Db: use the tx handle passed to the transaction callback`,
    );
  }
}
