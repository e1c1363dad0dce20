/**
 * SPIFFE IDs and trust domains (SPIFFE-ID §2).
 * @module
 */
export { SpiffeId, SPIFFE_PREFIX, MAX_SPIFFE_ID_LENGTH } from './spiffe-id.js';
export { TrustDomain } from './trust-domain.js';
export { MAX_TRUST_DOMAIN_LENGTH } from './validate-trust-domain.js';
export { matchAny, matchId, matchOneOf, matchMemberOf } from './match.js';
export type { Matcher } from './match.js';
