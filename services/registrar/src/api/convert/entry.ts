/**
 * Entries between the wire (`signet.types.v1.Entry`, `EntryMask`, `SelectorMatch`) and the
 * domain (`EntryDraft`, `RegistrationEntry`, `SetMatch`).
 * @module
 */
import { ApiError } from '@signet/platform';
import type { RegistrationEntry, SetMatch } from '@signet/datastore';
import { EMPTY_ENTRY_DRAFT, type EntryDraft, type EntryField } from '../../entries/entry-draft.js';
import { int64, int64OrNaN, unixSeconds } from '../../internal/int64.js';
import type { Entry, Entry__Output, EntryMask, SelectorMatch, Selector } from '../wire.js';

/** The entry fields an `EntryMask` key selects. */
const MASK_FIELDS: Readonly<Record<keyof EntryMask, EntryField>> = {
  spiffe_id: 'spiffeId',
  parent_id: 'parentId',
  selectors: 'selectors',
  x509_svid_ttl: 'x509SvidTtl',
  jwt_svid_ttl: 'jwtSvidTtl',
  dns_names: 'dnsNames',
  federates_with: 'federatesWith',
  admin: 'admin',
  downstream: 'downstream',
  hint: 'hint',
  expires_at: 'expiresAt',
};

const SET_MATCHES: Readonly<Record<string, SetMatch | undefined>> = {
  SELECTOR_MATCH_UNSPECIFIED: undefined,
  SELECTOR_MATCH_EXACT: 'exact',
  SELECTOR_MATCH_SUBSET: 'subset',
  SELECTOR_MATCH_SUPERSET: 'superset',
  SELECTOR_MATCH_ANY: 'match_any',
  0: undefined,
  1: 'exact',
  2: 'subset',
  3: 'superset',
  4: 'match_any',
};

/**
 * Reads a request `Entry` into a draft, never throwing, so one bad item cannot fail a batch:
 * absent fields (or a missing entry) are empty, an unreadable `expires_at` is `NaN`, and
 * validation reports both against the item.
 */
export function entryDraftFromProto(entry: Entry | null | undefined): EntryDraft {
  if (entry === null || entry === undefined) return EMPTY_ENTRY_DRAFT;
  return {
    id: entry.id ?? '',
    spiffeId: entry.spiffe_id ?? '',
    parentId: entry.parent_id ?? '',
    selectors: selectorsFromProto(entry.selectors),
    x509SvidTtl: entry.x509_svid_ttl ?? 0,
    jwtSvidTtl: entry.jwt_svid_ttl ?? 0,
    dnsNames: entry.dns_names ?? [],
    federatesWith: entry.federates_with ?? [],
    admin: entry.admin ?? false,
    downstream: entry.downstream ?? false,
    hint: entry.hint ?? '',
    expiresAt: int64OrNaN(entry.expires_at),
  };
}

/** Selectors of a request, with absent parts as `''` (validation reports them). */
export function selectorsFromProto(selectors: readonly Selector[] | null | undefined): { type: string; value: string }[] {
  return (selectors ?? []).map((s) => ({ type: s?.type ?? '', value: s?.value ?? '' }));
}

/** The fields an update mask selects; `undefined` (replace every field) when there is no mask. */
export function maskFromProto(mask: EntryMask | null | undefined): ReadonlySet<EntryField> | undefined {
  if (mask === null || mask === undefined) return undefined;
  const fields = new Set<EntryField>();
  for (const [key, field] of Object.entries(MASK_FIELDS) as [keyof EntryMask, EntryField][]) if (mask[key] === true) fields.add(field);
  return fields;
}

/** A `SelectorMatch` as a set match; `undefined` for UNSPECIFIED. Unknown values name `field`. */
export function setMatchFromProto(match: SelectorMatch | null | undefined, field: string): SetMatch | undefined {
  if (match === null || match === undefined) return undefined;
  const key = String(match);
  if (!Object.hasOwn(SET_MATCHES, key)) {
    throw ApiError.invalid(field, `must be one of SELECTOR_MATCH_EXACT, _SUBSET, _SUPERSET, _ANY or _UNSPECIFIED (got ${JSON.stringify(match)})`);
  }
  return SET_MATCHES[key];
}

/** A stored entry on the wire. */
export function entryToProto(entry: RegistrationEntry): Entry__Output {
  return {
    id: entry.id,
    spiffe_id: entry.spiffeId,
    parent_id: entry.parentId,
    selectors: entry.selectors.map((s) => ({ type: s.type, value: s.value })),
    x509_svid_ttl: entry.x509SvidTtl,
    jwt_svid_ttl: entry.jwtSvidTtl,
    dns_names: [...entry.dnsNames],
    federates_with: [...entry.federatesWith],
    admin: entry.admin,
    downstream: entry.downstream,
    hint: entry.hint ?? '',
    expires_at: unixSeconds(entry.expiresAt),
    revision: int64(entry.revision),
    created_at: unixSeconds(entry.createdAt),
    updated_at: unixSeconds(entry.updatedAt),
  };
}
