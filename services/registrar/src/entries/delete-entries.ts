/**
 * Deleting entries in batches, each item on its own, with an `entry.deleted` event for each
 * deleted entry in the same transaction (see `batch-write.ts`). A missing id fails only its own
 * item (`not_found`); an id given twice fails the repeat.
 * @module
 */
import { appendEvents, deleteEntry, type RegistrationEntry } from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { failed, type ItemOutcome } from '../internal/item-outcome.js';
import { inSpan } from '../telemetry/spans.js';
import { applyEach } from './batch-write.js';
import { checkBatchSize, type EntryDeps } from './entry-deps.js';
import { entryWriteError } from './entry-errors.js';
import { entryDeletedEvent } from './entry-events.js';

/** Deletes the entries `ids`; outcome `i` is item `i`'s, holding the deleted entry. `list` names the field (`ids`). */
export async function deleteEntries(deps: EntryDeps, ids: readonly string[], list = 'ids'): Promise<ItemOutcome<RegistrationEntry>[]> {
  checkBatchSize(ids.length, deps, list);
  const now = deps.clock.now();
  const seen = new Map<string, number>();
  const outcomes: ItemOutcome<RegistrationEntry>[] = new Array(ids.length);
  const pending: { index: number; field: string; id: string }[] = [];
  ids.forEach((id, index) => {
    const field = `${list}[${index}]`;
    const first = typeof id === 'string' ? seen.get(id) : undefined;
    if (typeof id !== 'string' || id === '') outcomes[index] = failed(ApiError.invalid(field, 'must be an entry id'));
    else if (first !== undefined) outcomes[index] = failed(ApiError.invalid(field, `repeats ${list}[${first}]`));
    else {
      seen.set(id, index);
      pending.push({ index, field, id });
    }
  });
  if (pending.length === 0) return outcomes;
  await inSpan(deps.tracer, 'registrar.entries.delete', { 'signet.entries.count': pending.length }, () =>
    applyEach(deps.db, pending, outcomes, {
      apply: async (tx, p, events) => {
        const row = await deleteEntry(tx, p.id);
        events.push(entryDeletedEvent(row));
        return row;
      },
      append: (tx, events) => appendEvents(tx, events, now),
      error: (err, p) => notFoundOn(entryWriteError(err, p.field, p.id), p.field, p.id),
    }),
  );
  return outcomes;
}

/** For deletes the id itself is the field (`ids[2]`), not `ids[2].id`. */
function notFoundOn(err: unknown, field: string, id: string): unknown {
  if (err instanceof ApiError && err.apiCode === 'not_found') {
    return new ApiError('not_found', `${field}: no entry with id ${JSON.stringify(id)}`, { field, cause: err.cause });
  }
  return err;
}
