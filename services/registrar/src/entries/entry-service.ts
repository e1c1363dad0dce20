/**
 * The registrar's entry operations behind one object, bound to their dependencies: batch
 * create, update and delete (each item on its own), get, and filtered listing.
 *
 * @example
 * ```ts
 * const entries = new EntryService({ db, trustDomain, clock, limits, catalog, tracer });
 * const [created] = await entries.create([{ ...EMPTY_ENTRY_DRAFT, spiffeId, parentId, selectors }]);
 * const page = await entries.list({ parentId }, { page_size: 500 });
 * ```
 * @module
 */
import type { RegistrationEntry } from '@signet/datastore';
import type { ItemOutcome } from '../internal/item-outcome.js';
import type { PageRequestInput } from '../internal/page-token.js';
import { createEntries } from './create-entries.js';
import { deleteEntries } from './delete-entries.js';
import type { EntryDraft } from './entry-draft.js';
import type { EntryDeps } from './entry-deps.js';
import type { EntryFilterInput } from './entry-filter.js';
import { getEntry, listEntries, type EntryPage } from './read-entries.js';
import { updateEntries, type EntryUpdateRequest } from './update-entries.js';

/** Entry operations; see the module documentation. */
export class EntryService {
  readonly #deps: EntryDeps;

  constructor(deps: EntryDeps) {
    this.#deps = deps;
  }

  /** Creates entries; outcome `i` is `drafts[i]`'s. Error fields start with `list` (default `entries`). */
  create(drafts: readonly EntryDraft[], list?: string): Promise<ItemOutcome<RegistrationEntry>[]> {
    return createEntries(this.#deps, drafts, list);
  }

  /** Updates entries; outcome `i` is `updates[i]`'s. Error fields start with `list` (default `updates`). */
  update(updates: readonly EntryUpdateRequest[], list?: string): Promise<ItemOutcome<RegistrationEntry>[]> {
    return updateEntries(this.#deps, updates, list);
  }

  /** Deletes entries; outcome `i` is `ids[i]`'s, holding the deleted entry. */
  delete(ids: readonly string[], list?: string): Promise<ItemOutcome<RegistrationEntry>[]> {
    return deleteEntries(this.#deps, ids, list);
  }

  /** The entry `id`, or `not_found`. */
  get(id: string, field?: string): Promise<RegistrationEntry> {
    return getEntry(this.#deps, id, field);
  }

  /** One page of matching entries. */
  list(filter: EntryFilterInput, page: PageRequestInput | null | undefined): Promise<EntryPage> {
    return listEntries(this.#deps, filter, page);
  }
}
