/**
 * Reading entries: one by id, or a filtered page in id order with a filter-bound page token.
 * @module
 */
import { getEntry as getStoredEntry, listEntries as listStoredEntries, type RegistrationEntry } from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { nextPageToken, resolvePage, type PageRequestInput } from '../internal/page-token.js';
import { inSpan } from '../telemetry/spans.js';
import type { EntryDeps } from './entry-deps.js';
import { checkEntryFilter, type EntryFilterInput } from './entry-filter.js';

/** A page of entries and the token of the next one (`''` on the last page). */
export interface EntryPage {
  readonly entries: readonly RegistrationEntry[];
  readonly nextPageToken: string;
}

const LISTING = 'entries';

/** The entry `id`; `not_found` naming `field` when there is none. */
export async function getEntry(deps: Pick<EntryDeps, 'db'>, id: string, field = 'id'): Promise<RegistrationEntry> {
  if (typeof id !== 'string' || id === '') throw ApiError.invalid(field, 'is required');
  const entry = await getStoredEntry(deps.db, id);
  if (entry === undefined) throw new ApiError('not_found', `${field}: no entry with id ${JSON.stringify(id)}`, { field });
  return entry;
}

/** One page of the entries matching `input`. */
export async function listEntries(deps: EntryDeps, input: EntryFilterInput, page: PageRequestInput | null | undefined): Promise<EntryPage> {
  const filter = checkEntryFilter(input);
  const scope = { listing: LISTING, filter };
  const resolved = resolvePage(page, { ...scope, limits: deps.limits });
  const rows = await inSpan(deps.tracer, 'registrar.entries.list', { 'signet.page_size': resolved.pageSize }, () =>
    listStoredEntries(deps.db, filter, { pageSize: resolved.pageSize, pageToken: resolved.position }),
  );
  return { entries: rows.items, nextPageToken: nextPageToken(rows.nextPageToken, scope) };
}
