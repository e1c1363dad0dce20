/**
 * What a caller asks an entry to be, before validation: every field of a registration entry in
 * plain values (the API's "unset" is `''`, `0` or an empty list), plus the names the API gives
 * those fields, which validation errors use in their paths (`entries[3].selectors[0].type`).
 * @module
 */

/** One selector as given, e.g. `{ type: 'k8s', value: 'ns:prod' }`. */
export interface SelectorInput {
  readonly type: string;
  readonly value: string;
}

/** An entry as requested. Times are Unix seconds (0: never), TTLs seconds (0: the CA default). */
export interface EntryDraft {
  /** Chosen id on create (`''`: a random UUID); the entry to change on update. */
  readonly id: string;
  readonly spiffeId: string;
  readonly parentId: string;
  readonly selectors: readonly SelectorInput[];
  readonly x509SvidTtl: number;
  readonly jwtSvidTtl: number;
  readonly dnsNames: readonly string[];
  readonly federatesWith: readonly string[];
  readonly admin: boolean;
  readonly downstream: boolean;
  /** `''`: no hint. */
  readonly hint: string;
  /** Unix seconds; 0: never expires. */
  readonly expiresAt: number;
}

/** The writable fields of an entry, as an update mask names them. */
export type EntryField =
  | 'spiffeId'
  | 'parentId'
  | 'selectors'
  | 'x509SvidTtl'
  | 'jwtSvidTtl'
  | 'dnsNames'
  | 'federatesWith'
  | 'admin'
  | 'downstream'
  | 'hint'
  | 'expiresAt';

/** Every writable field, in API order. */
export const ENTRY_FIELDS: readonly EntryField[] = [
  'spiffeId',
  'parentId',
  'selectors',
  'x509SvidTtl',
  'jwtSvidTtl',
  'dnsNames',
  'federatesWith',
  'admin',
  'downstream',
  'hint',
  'expiresAt',
];

/** The API (proto) name of each field, used in error paths. */
export const ENTRY_FIELD_NAMES: Readonly<Record<EntryField | 'id', string>> = {
  id: 'id',
  spiffeId: 'spiffe_id',
  parentId: 'parent_id',
  selectors: 'selectors',
  x509SvidTtl: 'x509_svid_ttl',
  jwtSvidTtl: 'jwt_svid_ttl',
  dnsNames: 'dns_names',
  federatesWith: 'federates_with',
  admin: 'admin',
  downstream: 'downstream',
  hint: 'hint',
  expiresAt: 'expires_at',
};

/** An empty draft, for building drafts in code. */
export const EMPTY_ENTRY_DRAFT: EntryDraft = Object.freeze({
  id: '',
  spiffeId: '',
  parentId: '',
  selectors: [],
  x509SvidTtl: 0,
  jwtSvidTtl: 0,
  dnsNames: [],
  federatesWith: [],
  admin: false,
  downstream: false,
  hint: '',
  expiresAt: 0,
});

/** Joins a path and a field: `at('entries[2]', 'spiffe_id')` is `entries[2].spiffe_id`. */
export function at(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}
