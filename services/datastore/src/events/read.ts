/**
 * Reading and pruning the change log.
 *
 * @example
 * ```ts
 * const { events, prunedThrough } = await readEvents(db, { afterRevision: last, limit: 500 });
 * if (prunedThrough > last) resyncEverything();
 * ```
 * @module
 */
import { runInTransaction } from '../db/run-in-transaction.js';
import type { Queryable } from '../db/types.js';
import { InvalidArgumentError } from '../errors.js';
import { type ChangeEvent, type EventRow, eventFromRow } from './event.js';

/** Largest batch {@link readEvents} returns. */
export const MAX_READ_LIMIT = 10_000;

/** Events after a revision, and the retention horizon seen in the same snapshot. */
export interface ReadEventsResult {
  /** Events with revision > `afterRevision`, in revision order. */
  events: ChangeEvent[];
  /**
   * Every event up to this revision may have been deleted by retention. When
   * it is greater than `afterRevision`, events were missed.
   */
  prunedThrough: number;
}

/** What {@link pruneEvents} did. */
export interface PruneEventsResult {
  /** How many events were deleted. */
  deleted: number;
  /** The retention horizon afterwards. */
  prunedThrough: number;
}

/** Reads up to `limit` (default 500) events after `afterRevision`, in one snapshot. */
export async function readEvents(
  q: Queryable,
  options: { afterRevision: number; limit?: number | undefined },
): Promise<ReadEventsResult> {
  const limit = options.limit ?? 500;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) {
    throw new InvalidArgumentError(`limit: must be an integer from 1 to ${MAX_READ_LIMIT} (got ${String(limit)})`, { field: 'limit' });
  }
  if (!Number.isSafeInteger(options.afterRevision) || options.afterRevision < 0) {
    throw new InvalidArgumentError(`afterRevision: must be an integer >= 0 (got ${String(options.afterRevision)})`, {
      field: 'afterRevision',
    });
  }
  // One statement: the horizon and the events come from the same snapshot. The
  // LEFT JOIN keeps one row (with a NULL event) when there are no events.
  const { rows } = await q.query<{ pruned_through: number } & { [K in keyof EventRow]: EventRow[K] | null }>(
    `SELECT r.pruned_through, e.revision, e.kind, e.subject, e.payload, e.created_at
       FROM change_events_retention r
       LEFT JOIN LATERAL (
         SELECT * FROM change_events WHERE revision > $1 ORDER BY revision LIMIT $2
       ) e ON true
      ORDER BY e.revision`,
    [options.afterRevision, limit],
  );
  const events: ChangeEvent[] = [];
  for (const row of rows) {
    if (row.revision !== null) events.push(eventFromRow(row as EventRow));
  }
  return { events, prunedThrough: rows[0]?.pruned_through ?? 0 };
}

/** The highest committed revision (0 for an empty log). */
export async function latestRevision(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ revision: number }>(
    `SELECT GREATEST(COALESCE((SELECT max(revision) FROM change_events), 0),
                     (SELECT pruned_through FROM change_events_retention)) AS revision`,
  );
  return rows[0]?.revision ?? 0;
}

/**
 * Deletes the oldest events: every event up to the newest one created before
 * `before`, so the log always keeps a contiguous suffix. Readers behind the
 * new horizon learn it from {@link readEvents}.
 */
export async function pruneEvents(q: Queryable, before: Date): Promise<PruneEventsResult> {
  return runInTransaction(q, async (tx) => {
    const bound = await tx.query<{ revision: number | null }>(
      'SELECT max(revision) AS revision FROM change_events WHERE created_at < $1',
      [before],
    );
    const through = bound.rows[0]?.revision ?? null;
    if (through === null) {
      const { rows } = await tx.query<{ pruned_through: number }>('SELECT pruned_through FROM change_events_retention');
      return { deleted: 0, prunedThrough: rows[0]?.pruned_through ?? 0 };
    }
    const deleted = await tx.query('DELETE FROM change_events WHERE revision <= $1', [through]);
    const { rows } = await tx.query<{ pruned_through: number }>(
      'UPDATE change_events_retention SET pruned_through = GREATEST(pruned_through, $1) RETURNING pruned_through',
      [through],
    );
    return { deleted: deleted.rowCount, prunedThrough: rows[0]?.pruned_through ?? through };
  });
}
