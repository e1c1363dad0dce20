/**
 * Registration entries built in memory, for tests of the pure authorization code.
 * @module
 */
import type { RegistrationEntry, Selector } from '@signet/datastore';

const T0 = new Date('2030-01-01T00:00:00Z');

/** Parses `type:value` selector strings. */
export function sel(...specs: string[]): Selector[] {
  return specs.map((spec) => {
    const colon = spec.indexOf(':');
    return { type: spec.slice(0, colon), value: spec.slice(colon + 1) };
  });
}

/** An entry with the given id, SPIFFE ID, parent and selectors (other fields defaulted). */
export function testEntry(
  id: string,
  spiffeId: string,
  parentId: string,
  selectors: readonly Selector[] = sel('unix:uid:1000'),
  overrides: Partial<RegistrationEntry> = {},
): RegistrationEntry {
  return {
    id,
    spiffeId,
    parentId,
    selectors,
    dnsNames: [],
    federatesWith: [],
    x509SvidTtl: 0,
    jwtSvidTtl: 0,
    admin: false,
    downstream: false,
    hint: null,
    expiresAt: null,
    revision: 1,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}
