/**
 * Trust bundles (SPIFFE Trust Domain and Bundle §3, §4): X.509 authorities, JWT authorities, the
 * SPIFFE bundle document that carries both, sets of bundles by trust domain, and the source
 * interfaces that verification depends on.
 * @module
 */
export { X509Bundle } from './x509-bundle.js';
export { JwtBundle, MAX_BUNDLE_KEYS } from './jwt-bundle.js';
export { SpiffeBundle } from './spiffe-bundle.js';
export type { SpiffeBundleMetadata, SpiffeBundleParseOptions } from './spiffe-bundle.js';
export { MAX_SPIFFE_SEQUENCE } from './spiffe-bundle-json.js';
export type { IgnoredBundleKey } from './spiffe-bundle-json.js';
export { BundleSet, X509BundleSet, JwtBundleSet, SpiffeBundleSet } from './set.js';
export type { BundleOfTrustDomain } from './set.js';
export type { X509BundleSource, JwtBundleSource, SpiffeBundleSource } from './source.js';
