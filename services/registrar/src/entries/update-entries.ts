/**
 * Updating entries in batches, each item on its own: the fields its mask selects (all of them
 * without a mask) are validated and written, the revision grows by one, and an `entry.updated`
 * event is appended in the same transaction. With an expected revision, the update is refused
 * with `aborted` unless the entry is still at that revision.
 *
 * Fast path: every valid item is applied in one transaction (repeatable read, so the previous
 * parent reported in the event is the one that was replaced), with one multi-row event append at
 * the end. An item that fails without a database error (no such entry, stale revision) is simply
 * reported. If a statement fails (e.g. the update would duplicate another entry), the transaction
 * is rolled back and the items are applied again one transaction each, so only that item fails.
 *
 * @example
 * ```ts
 * const [outcome] = await updateEntries(deps, [{ draft: { ...draft, id }, fields: new Set(['selectors']), expectedRevision: 3 }]);
 * ```
 * @module
 */
import { appendEvents, getEntry, updateEntry, type NewChangeEvent, type RegistrationEntry, type RegistrationEntryChanges, type Tx } from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { failed, type ItemOutcome } from '../internal/item-outcome.js';
import { inSpan } from '../telemetry/spans.js';
import { at, ENTRY_FIELDS, type EntryDraft, type EntryField } from './entry-draft.js';
import { checkBatchSize, entryRules, type EntryDeps } from './entry-deps.js';
import { entryWriteError } from './entry-errors.js';
import { entryUpdatedEvent } from './entry-events.js';
import { applyEach } from './batch-write.js';
import { validateEntryChanges } from './validate-entry.js';

/** One update: the entry's new values, which fields to take from it, and the revision expected. */
export interface EntryUpdateRequest {
  /** `draft.id` names the entry. */
  readonly draft: EntryDraft;
  /** Fields to change; `undefined` replaces every field. */
  readonly fields: ReadonlySet<EntryField> | undefined;
  /** When set, the entry must be at this revision. */
  readonly expectedRevision: number | undefined;
}

interface Pending {
  readonly index: number;
  readonly path: string;
  readonly id: string;
  readonly changes: RegistrationEntryChanges;
  readonly expectedRevision: number | undefined;
}

/** Applies `updates` in order; outcome `i` is item `i`'s. `list` names the request field (`updates`). */
export async function updateEntries(
  deps: EntryDeps,
  updates: readonly EntryUpdateRequest[],
  list = 'updates',
): Promise<ItemOutcome<RegistrationEntry>[]> {
  checkBatchSize(updates.length, deps, list);
  const now = deps.clock.now();
  const federates = updates.some((u) => (u.fields === undefined || u.fields.has('federatesWith')) && (u.draft.federatesWith?.length ?? 0) > 0);
  const rules = await entryRules(deps, now, federates);
  const outcomes: ItemOutcome<RegistrationEntry>[] = new Array(updates.length);
  const pending: Pending[] = [];
  updates.forEach((update, index) => {
    const path = at(`${list}[${index}]`, 'entry');
    const id = update.draft.id ?? '';
    try {
      if (id === '') throw ApiError.invalid(at(path, 'id'), 'is required: it names the entry to update');
      if (update.fields !== undefined && update.fields.size === 0) {
        throw ApiError.invalid(`${list}[${index}].mask`, 'selects no field; select at least one, or leave the mask out to replace every field');
      }
      const revision = update.expectedRevision;
      if (revision !== undefined && !(Number.isSafeInteger(revision) && revision >= 1)) {
        throw ApiError.invalid(at(path, 'revision'), 'must be 0 (no check) or a revision the entry had (1 or more)');
      }
      const changes = validateEntryChanges(update.draft, rules, path, update.fields ?? new Set(ENTRY_FIELDS));
      pending.push({ index, path, id, changes, expectedRevision: revision });
    } catch (err) {
      outcomes[index] = failed(err);
    }
  });
  if (pending.length === 0) return outcomes;
  await inSpan(deps.tracer, 'registrar.entries.update', { 'signet.entries.count': pending.length }, () =>
    applyEach(deps.db, pending, outcomes, {
      apply: (tx, p, events) => updateOne(tx, p, events, now),
      append: (tx, events) => appendEvents(tx, events, now),
      error: (err, p) => entryWriteError(err, p.path, p.id),
      isolation: 'repeatable read',
    }),
  );
  return outcomes;
}

async function updateOne(tx: Tx, p: Pending, events: NewChangeEvent[], now: Date): Promise<RegistrationEntry> {
  const before = await getEntry(tx, p.id);
  const after = await updateEntry(tx, { id: p.id, expectedRevision: p.expectedRevision, changes: p.changes }, now);
  events.push(entryUpdatedEvent(before ?? after, after));
  return after;
}

