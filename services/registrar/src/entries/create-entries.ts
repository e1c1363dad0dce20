/**
 * Creating entries in batches, each item on its own: a failed item changes nothing, the others
 * are applied, and every created entry gets its `entry.created` event in the same transaction.
 *
 * Fast path: items are validated in memory (including duplicates inside the request), then all
 * valid ones are written in one transaction of a few multi-row INSERTs plus one multi-row event
 * append, whatever the batch size. Only if that transaction hits a row conflict (an entry that
 * already exists, or a concurrent writer) are the valid items written again one transaction
 * each, so the conflict is reported on its own item and the rest still land.
 *
 * @example
 * ```ts
 * const outcomes = await createEntries(deps, drafts, 'entries');
 * outcomes[3]; // { ok: false, error: ApiError('invalid_argument', 'entries[3].selectors: at least one selector is required') }
 * ```
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  appendEvent,
  appendEvents,
  batchCreateEntries,
  createEntry,
  listEntries,
  normalizeSelectors,
  selectorsHash,
  type NewRegistrationEntry,
  type RegistrationEntry,
} from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { failed, succeeded, type ItemOutcome } from '../internal/item-outcome.js';
import { inSpan } from '../telemetry/spans.js';
import type { EntryDraft } from './entry-draft.js';
import { checkBatchSize, entryRules, type EntryDeps } from './entry-deps.js';
import { entryWriteError, IDENTITY_CONSTRAINT, isItemFailure } from './entry-errors.js';
import { entryCreatedEvent } from './entry-events.js';
import { validateNewEntry } from './validate-entry.js';

interface Pending {
  readonly index: number;
  readonly path: string;
  readonly input: NewRegistrationEntry & { id: string };
}

/** Creates the entries of `drafts`; outcome `i` is item `i`'s. `list` names the request field (`entries`). */
export async function createEntries(deps: EntryDeps, drafts: readonly EntryDraft[], list = 'entries'): Promise<ItemOutcome<RegistrationEntry>[]> {
  checkBatchSize(drafts.length, deps, list);
  const now = deps.clock.now();
  const rules = await entryRules(deps, now, drafts.some((d) => (d.federatesWith?.length ?? 0) > 0));
  const outcomes: ItemOutcome<RegistrationEntry>[] = new Array(drafts.length);
  const pending: Pending[] = [];
  const identities = new Map<string, number>();
  const ids = new Map<string, number>();
  drafts.forEach((draft, index) => {
    const path = `${list}[${index}]`;
    try {
      const validated = validateNewEntry(draft, rules, path);
      const input = { ...validated, id: validated.id ?? randomUUID() };
      const identity = JSON.stringify([input.spiffeId, input.parentId, selectorsHash(input.selectors)]);
      const sameIdentity = identities.get(identity);
      if (sameIdentity !== undefined) {
        throw new ApiError('already_exists', `${path}: repeats ${list}[${sameIdentity}] (same spiffe_id, parent_id and selectors)`, { field: path });
      }
      const sameId = ids.get(input.id);
      if (sameId !== undefined) {
        throw new ApiError('already_exists', `${path}.id: repeats the id of ${list}[${sameId}]`, { field: `${path}.id` });
      }
      identities.set(identity, index);
      ids.set(input.id, index);
      pending.push({ index, path, input });
    } catch (err) {
      outcomes[index] = failed(err);
    }
  });
  if (pending.length > 0) await writeAll(deps, pending, outcomes, now);
  return outcomes;
}

async function writeAll(deps: EntryDeps, pending: readonly Pending[], outcomes: ItemOutcome<RegistrationEntry>[], now: Date): Promise<void> {
  try {
    const created = await inSpan(deps.tracer, 'registrar.entries.insert', { 'signet.entries.count': pending.length }, () =>
      deps.db.transaction(async (tx) => {
        const rows = await batchCreateEntries(tx, pending.map((p) => p.input), now);
        await appendEvents(tx, rows.map(entryCreatedEvent), now);
        return rows;
      }),
    );
    pending.forEach((p, i) => {
      outcomes[p.index] = succeeded(created[i] as RegistrationEntry);
    });
  } catch (err) {
    if (!isItemFailure(err)) {
      for (const p of pending) outcomes[p.index] = failed(err);
      return;
    }
    await inSpan(deps.tracer, 'registrar.entries.insert_each', { 'signet.entries.count': pending.length }, async () => {
      for (const p of pending) outcomes[p.index] = await writeOne(deps, p, now);
    });
  }
}

async function writeOne(deps: EntryDeps, p: Pending, now: Date): Promise<ItemOutcome<RegistrationEntry>> {
  try {
    const entry = await deps.db.transaction(async (tx) => {
      const row = await createEntry(tx, p.input, now);
      await appendEvent(tx, entryCreatedEvent(row), now);
      return row;
    });
    return succeeded(entry);
  } catch (err) {
    const error = entryWriteError(err, p.path, p.input.id);
    const existing = (err as { constraint?: unknown }).constraint === IDENTITY_CONSTRAINT ? await findSame(deps, p.input) : undefined;
    return failed(error, existing);
  }
}

/** The stored entry with the same identity as `input`, if any. */
async function findSame(deps: EntryDeps, input: NewRegistrationEntry): Promise<RegistrationEntry | undefined> {
  const page = await listEntries(
    deps.db,
    {
      spiffeId: input.spiffeId,
      parentId: input.parentId,
      selectors: { selectors: normalizeSelectors(input.selectors, 'selectors'), match: 'exact' },
    },
    { pageSize: 1 },
  );
  return page.items[0];
}
