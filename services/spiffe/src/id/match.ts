import type { SpiffeId } from './spiffe-id.js';
import type { TrustDomain } from './trust-domain.js';

/**
 * An authorization rule on a peer's SPIFFE ID: returns true when the ID is acceptable.
 *
 * @example
 * ```ts
 * const allow = matchOneOf(SpiffeId.parse('spiffe://example.org/web'), SpiffeId.parse('spiffe://example.org/api'));
 * allow(peerId); // true or false
 * ```
 */
export type Matcher = (id: SpiffeId) => boolean;

/** Accepts any ID. Use only where authentication alone is enough. */
export function matchAny(): Matcher {
  return () => true;
}

/** Accepts exactly `expected`. */
export function matchId(expected: SpiffeId): Matcher {
  return (id) => id.equals(expected);
}

/** Accepts any of `expected`. */
export function matchOneOf(...expected: SpiffeId[]): Matcher {
  const set = new Set(expected.map((e) => e.toString()));
  return (id) => set.has(id.toString());
}

/** Accepts any ID in trust domain `td`. */
export function matchMemberOf(td: TrustDomain): Matcher {
  return (id) => id.memberOf(td);
}
