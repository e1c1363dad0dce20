/**
 * Validation of a whole entry (create, or update without a mask) or of the fields an update
 * mask selects. The first rule broken is reported as `invalid_argument`, naming the field by its
 * API path (`entries[3].selectors[0].type`) and the rule. The result is what the datastore's
 * entry repository takes.
 *
 * @example
 * ```ts
 * const input = validateNewEntry(draft, rules, 'entries[0]');
 * const changes = validateEntryChanges(draft, rules, 'updates[0].entry', new Set(['selectors']));
 * ```
 * @module
 */
import { ApiError } from '@signet/platform';
import type { NewRegistrationEntry, RegistrationEntryChanges } from '@signet/datastore';
import type { TrustDomain } from '@signet/spiffe';
import { at, ENTRY_FIELD_NAMES, ENTRY_FIELDS, type EntryDraft, type EntryField } from './entry-draft.js';
import { memberId, workloadId } from './validate-ids.js';
import { checkDnsNames } from './validate-dns.js';
import { checkFederatesWith } from './validate-federates-with.js';
import { checkSelectors } from './validate-selectors.js';

/** What entry validation checks against. */
export interface EntryRules {
  /** This server's trust domain. */
  readonly trustDomain: TrustDomain;
  /** Largest `x509_svid_ttl`, seconds. */
  readonly maxX509SvidTtl: number;
  /** Largest `jwt_svid_ttl`, seconds. */
  readonly maxJwtSvidTtl: number;
  /** Now: `expires_at` must be later. */
  readonly now: Date;
  /** Trust domains `federates_with` may name. */
  readonly federatedTrustDomains: ReadonlySet<string>;
}

/** Longest hint accepted, in characters. */
export const MAX_HINT_LENGTH = 1024;
/** Latest `expires_at` accepted: the last second of year 9999. */
export const MAX_EXPIRES_AT = 253_402_300_799;

const ENTRY_ID = /^[!-~]{1,255}$/;

type Checked = { [K in EntryField]-?: Exclude<RegistrationEntryChanges[K], undefined> };
type FieldCheck<K extends EntryField> = (draft: EntryDraft, rules: EntryRules, field: string) => Checked[K];

const CHECKS: { readonly [K in EntryField]: FieldCheck<K> } = {
  spiffeId: (d, r, f) => workloadId(d.spiffeId, r.trustDomain, f).toString(),
  parentId: (d, r, f) => memberId(d.parentId, r.trustDomain, f).toString(),
  selectors: (d, _r, f) => checkSelectors(d.selectors, f),
  x509SvidTtl: (d, r, f) => ttl(d.x509SvidTtl, r.maxX509SvidTtl, f),
  jwtSvidTtl: (d, r, f) => ttl(d.jwtSvidTtl, r.maxJwtSvidTtl, f),
  dnsNames: (d, _r, f) => checkDnsNames(d.dnsNames, f),
  federatesWith: (d, r, f) => checkFederatesWith(d.federatesWith, f, { local: r.trustDomain, known: r.federatedTrustDomains }),
  admin: (d) => d.admin === true,
  downstream: (d) => d.downstream === true,
  hint: (d, _r, f) => hint(d.hint, f),
  expiresAt: (d, r, f) => expiresAt(d.expiresAt, r.now, f),
};

/** Validates a new entry (every field); `path` prefixes error fields, e.g. `entries[3]`. */
export function validateNewEntry(draft: EntryDraft, rules: EntryRules, path: string): NewRegistrationEntry {
  const id = draft.id ?? '';
  if (id !== '' && !ENTRY_ID.test(id)) {
    throw ApiError.invalid(at(path, 'id'), 'must be 1 to 255 printable ASCII characters without spaces, or empty for a generated id');
  }
  const fields = validateEntryChanges(draft, rules, path, new Set(ENTRY_FIELDS)) as Required<RegistrationEntryChanges>;
  return { ...fields, id: id === '' ? undefined : id };
}

/** Validates the fields in `fields` only; the result holds exactly those. */
export function validateEntryChanges(
  draft: EntryDraft,
  rules: EntryRules,
  path: string,
  fields: ReadonlySet<EntryField>,
): RegistrationEntryChanges {
  const changes: Record<string, unknown> = {};
  for (const name of ENTRY_FIELDS) {
    if (!fields.has(name)) continue;
    const check = CHECKS[name] as FieldCheck<EntryField>;
    changes[name] = check(draft, rules, at(path, ENTRY_FIELD_NAMES[name]));
  }
  return changes as RegistrationEntryChanges;
}

function ttl(seconds: number, max: number, field: string): number {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > max) {
    throw ApiError.invalid(field, `must be a whole number of seconds from 0 (the CA default) to ${max} (got ${String(seconds)})`);
  }
  return seconds;
}

function hint(value: string, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw ApiError.invalid(field, 'must be text');
  if ([...value].length > MAX_HINT_LENGTH) throw ApiError.invalid(field, `must be at most ${MAX_HINT_LENGTH} characters`);
  return value;
}

function expiresAt(seconds: number, now: Date, field: string): Date | null {
  if (seconds === 0) return null;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_EXPIRES_AT) {
    throw ApiError.invalid(field, `must be a Unix time in seconds before year 10000, or 0 for never (got ${String(seconds)})`);
  }
  if (seconds * 1000 <= now.getTime()) {
    throw ApiError.invalid(field, `${new Date(seconds * 1000).toISOString()} is in the past; use a later time, or 0 for never`);
  }
  return new Date(seconds * 1000);
}
