/**
 * Applying the items of a batch write so that each succeeds or fails on its own, in as few
 * transactions as possible.
 *
 * First, every item is applied in one transaction and the events of the successful ones are
 * appended at its end, in one statement. An item that fails before any of its statements failed
 * (the entry is missing, the revision is stale) is reported and the others go on: the transaction
 * is still sound. If a statement fails (a unique violation, a check), Postgres has aborted the
 * whole transaction, so it is rolled back and every item is applied again in a transaction of its
 * own: the failing item is then the only one that fails.
 * @module
 */
import { DatastoreError, type Db, type IsolationLevel, type NewChangeEvent, type Tx } from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { failed, succeeded, type ItemOutcome } from '../internal/item-outcome.js';
import { isItemFailure } from './entry-errors.js';

/** How to apply one item. */
export interface ApplyEachOptions<P, T> {
  /** Writes `item` in `tx`, pushing its events; throws to fail the item. */
  apply(tx: Tx, item: P, events: NewChangeEvent[]): Promise<T>;
  /** Appends the collected events in `tx`. */
  append(tx: Tx, events: NewChangeEvent[]): Promise<unknown>;
  /** Restates an item's failure for the caller. */
  error(err: unknown, item: P): unknown;
  readonly isolation?: IsolationLevel;
}

/** True for failures raised before any statement of the item failed, which leave the transaction usable. */
export function leavesTransactionUsable(err: unknown): boolean {
  if (err instanceof ApiError) return true;
  return err instanceof DatastoreError && (err.code === 'ERR_DATASTORE_NOT_FOUND' || err.code === 'ERR_DATASTORE_CONFLICT');
}

/** Applies `items`, setting `outcomes[item.index]` for each. */
export async function applyEach<P extends { readonly index: number }, T>(
  db: Db,
  items: readonly P[],
  outcomes: ItemOutcome<T>[],
  options: ApplyEachOptions<P, T>,
): Promise<void> {
  const isolation = { isolation: options.isolation ?? 'read committed' } as const;
  try {
    const results = await db.transaction(async (tx) => {
      const attempt = new Map<number, ItemOutcome<T>>();
      const events: NewChangeEvent[] = [];
      for (const item of items) {
        try {
          attempt.set(item.index, succeeded(await options.apply(tx, item, events)));
        } catch (err) {
          if (!leavesTransactionUsable(err)) throw err;
          attempt.set(item.index, failed(options.error(err, item)));
        }
      }
      if (events.length > 0) await options.append(tx, events);
      return attempt;
    }, isolation);
    for (const [index, outcome] of results) outcomes[index] = outcome;
  } catch (err) {
    if (!isItemFailure(err)) {
      for (const item of items) outcomes[item.index] = failed(err);
      return;
    }
    for (const item of items) outcomes[item.index] = await applyOne(db, item, options, isolation);
  }
}

async function applyOne<P, T>(db: Db, item: P, options: ApplyEachOptions<P, T>, isolation: { isolation: IsolationLevel }): Promise<ItemOutcome<T>> {
  try {
    return succeeded(
      await db.transaction(async (tx) => {
        const events: NewChangeEvent[] = [];
        const value = await options.apply(tx, item, events);
        if (events.length > 0) await options.append(tx, events);
        return value;
      }, isolation),
    );
  } catch (err) {
    return failed(options.error(err, item));
  }
}
