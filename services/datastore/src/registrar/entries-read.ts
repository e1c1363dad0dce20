/**
 * Reading registration entries: by id, by parent, and filtered listings with
 * keyset pagination (ordered by id).
 *
 * @example
 * ```ts
 * // Entries a workload with these selectors may receive from agent `parent`:
 * const page = await listEntries(db, {
 *   parentId: parent,
 *   selectors: { selectors: workloadSelectors, match: 'subset' },
 * }, { pageSize: 1000 });
 * ```
 * @module
 */
import type { Queryable } from '../db/types.js';
import { InvalidArgumentError } from '../errors.js';
import { decodePageToken, type Page, type PageRequest, resolvePageSize, toPage } from '../internal/pagination.js';
import { setMatchCondition } from '../internal/set-match-sql.js';
import { SqlParams } from '../internal/sql-params.js';
import { checkSetMatch, normalizeSelectors, type Selector, selectorsHash, type SetMatch } from '../selector.js';
import { ENTRY_COLUMNS, type EntryRow, entryFromRow } from './entry-row.js';
import type { RegistrationEntry } from './entry.js';

/** Filters of {@link listEntries} and {@link countEntries}; all given filters must hold. */
export interface EntryFilter {
  /** Only entries issuing this SPIFFE ID. */
  spiffeId?: string | undefined;
  /** Only entries with this parent. */
  parentId?: string | undefined;
  /** Only entries with this hint. */
  hint?: string | undefined;
  /** Compare the entry's selectors with these. */
  selectors?: { selectors: readonly Selector[]; match: SetMatch } | undefined;
  /** Compare the entry's federated trust domains with these. */
  federatesWith?: { trustDomains: readonly string[]; match: SetMatch } | undefined;
}

const PAGE_SCOPE = 'registration_entries';

/** The entry with this id, or `undefined`. */
export async function getEntry(q: Queryable, id: string): Promise<RegistrationEntry | undefined> {
  const { rows } = await q.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM registration_entries e WHERE e.id = $1`, [id]);
  return rows[0] === undefined ? undefined : entryFromRow(rows[0]);
}

/** The entries with these ids that exist, ordered by id. */
export async function getEntries(q: Queryable, ids: readonly string[]): Promise<RegistrationEntry[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM registration_entries e WHERE e.id = ANY($1::text[]) ORDER BY e.id`,
    [[...ids]],
  );
  return rows.map(entryFromRow);
}

/** Every entry whose parent is one of `parentIds`, ordered by id (what an agent serves). */
export async function listEntriesByParentIds(q: Queryable, parentIds: readonly string[]): Promise<RegistrationEntry[]> {
  if (parentIds.length === 0) return [];
  const { rows } = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM registration_entries e WHERE e.parent_id = ANY($1::text[]) ORDER BY e.id`,
    [[...parentIds]],
  );
  return rows.map(entryFromRow);
}

/** One page of the entries matching `filter`, ordered by id. */
export async function listEntries(
  q: Queryable,
  filter: EntryFilter = {},
  page: PageRequest = {},
): Promise<Page<RegistrationEntry>> {
  const pageSize = resolvePageSize(page.pageSize);
  const after = decodePageToken(PAGE_SCOPE, page.pageToken, 1)?.[0];
  const params = new SqlParams();
  const conditions = entryConditions(params, filter);
  if (after !== undefined) conditions.push(`e.id > ${params.add(after)}`);
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const { rows } = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM registration_entries e ${where} ORDER BY e.id LIMIT ${params.add(pageSize + 1)}`,
    params.values,
  );
  return toPage(rows.map(entryFromRow), pageSize, PAGE_SCOPE, (entry) => [entry.id]);
}

/** How many entries match `filter`. */
export async function countEntries(q: Queryable, filter: EntryFilter = {}): Promise<number> {
  const params = new SqlParams();
  const conditions = entryConditions(params, filter);
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const { rows } = await q.query<{ n: number }>(`SELECT count(*) AS n FROM registration_entries e ${where}`, params.values);
  return rows[0]?.n ?? 0;
}

function entryConditions(params: SqlParams, filter: EntryFilter): string[] {
  const conditions: string[] = [];
  if (filter.spiffeId !== undefined) conditions.push(`e.spiffe_id = ${params.add(filter.spiffeId)}`);
  if (filter.parentId !== undefined) conditions.push(`e.parent_id = ${params.add(filter.parentId)}`);
  if (filter.hint !== undefined) conditions.push(`e.hint = ${params.add(filter.hint)}`);
  if (filter.selectors !== undefined) {
    const match = checkSetMatch(filter.selectors.match, 'filter.selectors.match');
    const selectors = normalizeSelectors(filter.selectors.selectors, 'filter.selectors.selectors');
    if (selectors.length === 0) {
      throw new InvalidArgumentError('filter.selectors.selectors: at least one selector is required', {
        field: 'filter.selectors.selectors',
      });
    }
    if (match === 'exact') {
      conditions.push(`e.selectors_hash = ${params.add(selectorsHash(selectors))}`);
    } else {
      const target = { table: 'registration_entry_selectors', ownerColumn: 'entry_id', ownerRef: 'e.id', keyColumns: ['type', 'value'] };
      conditions.push(setMatchCondition(params, target, [selectors.map((s) => s.type), selectors.map((s) => s.value)], match));
    }
  }
  if (filter.federatesWith !== undefined) {
    const match = checkSetMatch(filter.federatesWith.match, 'filter.federatesWith.match');
    const trustDomains = [...new Set(filter.federatesWith.trustDomains)];
    if (trustDomains.length === 0) {
      throw new InvalidArgumentError('filter.federatesWith.trustDomains: at least one trust domain is required', {
        field: 'filter.federatesWith.trustDomains',
      });
    }
    const target = { table: 'registration_entry_federates_with', ownerColumn: 'entry_id', ownerRef: 'e.id', keyColumns: ['trust_domain'] };
    conditions.push(setMatchCondition(params, target, [trustDomains], match));
  }
  return conditions;
}

/** Ids of entries whose `expires_at` has passed by `now`, oldest expiry first, at most `limit`. */
export async function listExpiredEntryIds(q: Queryable, now: Date, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    'SELECT id FROM registration_entries WHERE expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at, id LIMIT $2',
    [now, limit],
  );
  return rows.map((r) => r.id);
}
