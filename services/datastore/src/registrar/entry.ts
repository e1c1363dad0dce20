/**
 * Registration entries: which workloads (matched by selectors, under a
 * parent) get which SPIFFE ID, and the types the entry repository speaks.
 *
 * Owner: registrar. Formats (SPIFFE IDs, DNS names, trust domains) are
 * checked by database constraints; rules the database cannot express
 * cleanly (at least one selector, no duplicates in a list, integer TTLs) are
 * checked here first, so every violation is an `InvalidArgumentError` naming
 * the field.
 *
 * @example
 * ```ts
 * const input: NewRegistrationEntry = {
 *   spiffeId: 'spiffe://example.org/api',
 *   parentId: 'spiffe://example.org/spire/agent/k8s_psat/prod/node-1',
 *   selectors: [{ type: 'k8s', value: 'ns:prod' }, { type: 'k8s', value: 'sa:api' }],
 *   x509SvidTtl: 3600,
 * };
 * ```
 * @module
 */
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import { compareUtf8 } from '../internal/utf8.js';
import { normalizeSelectors, type Selector } from '../selector.js';

/** A stored registration entry. */
export interface RegistrationEntry {
  /** Unique id (a UUID unless the creator chose one). */
  readonly id: string;
  /** The SPIFFE ID issued to matching workloads. */
  readonly spiffeId: string;
  /** The SPIFFE ID of the agent (or parent entry) allowed to serve this entry. */
  readonly parentId: string;
  /** Selectors a workload must present, sorted by type then value. */
  readonly selectors: readonly Selector[];
  /** DNS SANs for the X.509-SVID, in the order given (the first is the CN). */
  readonly dnsNames: readonly string[];
  /** Trust domains whose bundles workloads of this entry also receive, sorted. */
  readonly federatesWith: readonly string[];
  /** X.509-SVID lifetime in seconds; 0 means the CA default. */
  readonly x509SvidTtl: number;
  /** JWT-SVID lifetime in seconds; 0 means the CA default. */
  readonly jwtSvidTtl: number;
  /** Workloads of this entry may call the admin APIs. */
  readonly admin: boolean;
  /** Workloads of this entry may mint downstream CA certificates. */
  readonly downstream: boolean;
  /** Free-form hint telling workloads apart that share selectors. */
  readonly hint: string | null;
  /** When the entry stops being served; null for never. */
  readonly expiresAt: Date | null;
  /** Starts at 1 and grows by one on every update (optimistic concurrency). */
  readonly revision: number;
  /** When the entry was created. */
  readonly createdAt: Date;
  /** When the entry was last changed. */
  readonly updatedAt: Date;
}

/** What a creator supplies; optional fields take the defaults shown. */
export interface NewRegistrationEntry {
  /** Chosen id (1-255 printable ASCII characters); default a random UUID. */
  id?: string | undefined;
  /** The SPIFFE ID to issue. */
  spiffeId: string;
  /** Who may serve it. */
  parentId: string;
  /** At least one selector, without duplicates. */
  selectors: readonly Selector[];
  /** Default none. */
  dnsNames?: readonly string[] | undefined;
  /** Default none. */
  federatesWith?: readonly string[] | undefined;
  /** Default 0 (CA default). */
  x509SvidTtl?: number | undefined;
  /** Default 0 (CA default). */
  jwtSvidTtl?: number | undefined;
  /** Default false. */
  admin?: boolean | undefined;
  /** Default false. */
  downstream?: boolean | undefined;
  /** Default null. */
  hint?: string | null | undefined;
  /** Default null (never expires). */
  expiresAt?: Date | null | undefined;
}

/** Fields an update may change; absent fields keep their value. */
export type RegistrationEntryChanges = Partial<Omit<NewRegistrationEntry, 'id'>>;

/** The writable fields of an entry, validated and in canonical order. */
export interface EntryFields {
  spiffeId: string;
  parentId: string;
  selectors: Selector[];
  dnsNames: string[];
  federatesWith: string[];
  x509SvidTtl: number;
  jwtSvidTtl: number;
  admin: boolean;
  downstream: boolean;
  hint: string | null;
  expiresAt: Date | null;
}

/** Validates a new entry and fills in defaults (including a fresh id). */
export function normalizeNewEntry(input: NewRegistrationEntry, field = 'entry'): EntryFields & { id: string } {
  return { id: input.id ?? randomUUID(), ...normalizeEntryFields(input, field) };
}

/** Validates complete entry fields; `field` prefixes messages (e.g. `entries[3]`). */
export function normalizeEntryFields(input: Omit<NewRegistrationEntry, 'id'>, field = 'entry'): EntryFields {
  const selectors = normalizeSelectors(input.selectors, `${field}.selectors`);
  if (selectors.length === 0) {
    throw new InvalidArgumentError(`${field}.selectors: at least one selector is required`, { field: `${field}.selectors` });
  }
  return {
    spiffeId: requireString(input.spiffeId, `${field}.spiffeId`),
    parentId: requireString(input.parentId, `${field}.parentId`),
    selectors,
    dnsNames: uniqueStrings(input.dnsNames ?? [], `${field}.dnsNames`),
    federatesWith: uniqueStrings(input.federatesWith ?? [], `${field}.federatesWith`).sort(compareUtf8),
    x509SvidTtl: ttl(input.x509SvidTtl, `${field}.x509SvidTtl`),
    jwtSvidTtl: ttl(input.jwtSvidTtl, `${field}.jwtSvidTtl`),
    admin: input.admin ?? false,
    downstream: input.downstream ?? false,
    hint: input.hint ?? null,
    expiresAt: optionalDate(input.expiresAt, `${field}.expiresAt`),
  };
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`${field}: is required`, { field });
  return value;
}

function uniqueStrings(values: readonly string[], field: string): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    if (typeof value !== 'string') throw new InvalidArgumentError(`${field}: must contain only strings`, { field });
    if (seen.has(value)) throw new InvalidArgumentError(`${field}: duplicate value ${JSON.stringify(value)}`, { field });
    seen.add(value);
  }
  return [...values];
}

function ttl(value: number | undefined, field: string): number {
  const seconds = value ?? 0;
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > 2_147_483_647) {
    throw new InvalidArgumentError(`${field}: must be a whole number of seconds from 0 to 2147483647 (got ${String(value)})`, {
      field,
    });
  }
  return seconds;
}

function optionalDate(value: Date | null | undefined, field: string): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidArgumentError(`${field}: must be a valid date`, { field });
  }
  return value;
}
