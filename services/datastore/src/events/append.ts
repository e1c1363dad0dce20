/**
 * Appending change events, in the caller's transaction.
 *
 * Why revisions become visible in commit order: an identity column alone
 * hands out numbers when rows are inserted, not when transactions commit.
 * If transaction A takes revision 7 and B takes 8, and B commits first, a
 * follower reading `revision > 6` sees 8, advances to 8, and never sees 7
 * when A commits. So every append first takes a transaction-level advisory
 * lock (one per schema's `change_events` table) and only then inserts. The
 * lock is held until COMMIT or ROLLBACK, so the next appender draws its
 * revision only after the previous appender's transaction has ended, and
 * Postgres makes a commit visible before it releases the transaction's
 * locks. Hence any visible revision R implies every smaller revision is
 * either visible or rolled back for good.
 *
 * The price is that appends are serialised from the moment of the append to
 * the end of the transaction: append events as the last step of a
 * transaction. Rolled-back appends leave gaps in the numbering, which
 * followers must (and do) tolerate. NOTIFY is sent in the same transaction,
 * so it is delivered only on commit, with the highest revision as payload.
 *
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   const entry = await createEntry(tx, input, now);
 *   await appendEvent(tx, { kind: EventKinds.entryCreated, subject: entry.id, payload: { parentId: entry.parentId } }, now);
 * });
 * ```
 * @module
 */
import { context, propagation } from '@opentelemetry/api';
import { EVENTS_LOCK_SQL } from '../db/advisory-locks.js';
import { runInTransaction } from '../db/run-in-transaction.js';
import type { Queryable } from '../db/types.js';
import { type ChangeEvent, EVENTS_CHANNEL, type EventRow, eventFromRow, type NewChangeEvent } from './event.js';

/** Appends one event; see {@link appendEvents}. */
export async function appendEvent(q: Queryable, event: NewChangeEvent, now: Date): Promise<ChangeEvent> {
  const [appended] = await appendEvents(q, [event], now);
  return appended as ChangeEvent;
}

/**
 * Appends events in order, in the caller's transaction when `q` is a `Tx`
 * (or in a transaction of their own), and notifies {@link EVENTS_CHANNEL}.
 */
export async function appendEvents(q: Queryable, events: readonly NewChangeEvent[], now: Date): Promise<ChangeEvent[]> {
  if (events.length === 0) return [];
  return runInTransaction(q, async (tx) => {
    await tx.query(EVENTS_LOCK_SQL);
    const { rows } = await tx.query<EventRow>(
      `INSERT INTO change_events (kind, subject, payload, created_at)
       SELECT u.kind, u.subject, u.payload, $4
         FROM unnest($1::text[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS u(kind, subject, payload, n)
        ORDER BY u.n
       RETURNING revision, kind, subject, payload, created_at`,
      [
        events.map((e) => e.kind),
        events.map((e) => e.subject),
        events.map((e) => JSON.stringify(withTraceContext(e.payload ?? {}))),
        now,
      ],
    );
    const appended = rows.map(eventFromRow).sort((a, b) => a.revision - b.revision);
    const last = appended[appended.length - 1] as ChangeEvent;
    await tx.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, String(last.revision)]);
    return appended;
  });
}

/**
 * The payload with the W3C `traceparent` of the active span added (object payloads only), so a
 * change can be followed from the request that made it to what its subscribers do with it.
 */
function withTraceContext(payload: NonNullable<NewChangeEvent['payload']>): NonNullable<NewChangeEvent['payload']> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent === undefined ? payload : { ...payload, traceparent: carrier.traceparent };
}
