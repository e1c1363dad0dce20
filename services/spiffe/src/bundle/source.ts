/**
 * The one-method interfaces that verification depends on. A bundle, a bundle set, or a live
 * Workload API watcher can each implement them, so verifiers never care where trust anchors come from.
 * @module
 */
import type { TrustDomain } from '../id/trust-domain.js';
import type { JwtBundle } from './jwt-bundle.js';
import type { SpiffeBundle } from './spiffe-bundle.js';

export type { X509BundleSource } from './x509-bundle.js';

/**
 * Anything that can hand out the JWT bundle of a trust domain.
 *
 * @example
 * ```ts
 * const source: JwtBundleSource = new JwtBundleSet([bundleA, bundleB]);
 * parseAndValidateJwtSvid(token, source, { audience: 'spiffe://example.org/api', now: new Date() });
 * ```
 */
export interface JwtBundleSource {
  /** The JWT bundle of `td`, or `undefined` when none is known. */
  getJwtBundleForTrustDomain(td: TrustDomain): JwtBundle | undefined;
}

/** Anything that can hand out the whole SPIFFE bundle (X.509 and JWT authorities) of a trust domain. */
export interface SpiffeBundleSource {
  /** The SPIFFE bundle of `td`, or `undefined` when none is known. */
  getSpiffeBundleForTrustDomain(td: TrustDomain): SpiffeBundle | undefined;
}
