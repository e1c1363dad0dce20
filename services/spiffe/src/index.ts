/**
 * `@signet/spiffe`: the SPIFFE standards in TypeScript. SPIFFE IDs, X.509-SVIDs, JWT-SVIDs and
 * trust bundles, as pure functions of their inputs: no file, network or process I/O.
 *
 * @example
 * ```ts
 * import { SpiffeId, X509Bundle, verifyX509Svid } from '@signet/spiffe';
 * const bundle = X509Bundle.parsePem(TrustDomain.parse('example.org'), rootsPem);
 * const { id } = verifyX509Svid(peerChainDer, bundle, { now: new Date() });
 * if (!id.equals(SpiffeId.parse('spiffe://example.org/billing'))) throw new Error('unexpected peer');
 * ```
 * @module
 */
export * from './errors.js';
export * from './id/index.js';
export * from './bundle/index.js';
export * from './svid/index.js';
