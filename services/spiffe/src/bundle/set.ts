import type { TrustDomain } from '../id/trust-domain.js';
import type { JwtBundle } from './jwt-bundle.js';
import type { JwtBundleSource, SpiffeBundleSource } from './source.js';
import type { SpiffeBundle } from './spiffe-bundle.js';
import type { X509Bundle, X509BundleSource } from './x509-bundle.js';

/** What every bundle kind has in common: the trust domain it belongs to. */
export interface BundleOfTrustDomain {
  readonly trustDomain: TrustDomain;
}

/**
 * A mutable collection of bundles of one kind, at most one per trust domain. Iteration and
 * {@link BundleSet.trustDomains} are sorted by trust domain name, so output is deterministic.
 * Use {@link X509BundleSet}, {@link JwtBundleSet} or {@link SpiffeBundleSet}, which also act as
 * bundle sources for verification.
 */
export class BundleSet<B extends BundleOfTrustDomain> implements Iterable<B> {
  readonly #bundles = new Map<string, B>();

  /** A set holding `bundles`; for a repeated trust domain, the last one wins. */
  constructor(bundles: Iterable<B> = []) {
    for (const b of bundles) this.add(b);
  }

  /** Adds `bundle`, replacing the bundle of the same trust domain if there is one. */
  add(bundle: B): this {
    this.#bundles.set(bundle.trustDomain.name, bundle);
    return this;
  }

  /** The bundle of `td`, or `undefined`. */
  get(td: TrustDomain): B | undefined {
    return this.#bundles.get(td.name);
  }

  /** True when the set holds a bundle of `td`. */
  has(td: TrustDomain): boolean {
    return this.#bundles.has(td.name);
  }

  /** Removes the bundle of `td`; true when there was one. */
  remove(td: TrustDomain): boolean {
    return this.#bundles.delete(td.name);
  }

  /** How many bundles (trust domains) the set holds. */
  get size(): number {
    return this.#bundles.size;
  }

  /** The trust domains of the set, sorted by name. */
  trustDomains(): TrustDomain[] {
    return this.bundles().map((b) => b.trustDomain);
  }

  /** The bundles, sorted by trust domain name. */
  bundles(): B[] {
    return [...this.#bundles.values()].sort((a, b) => a.trustDomain.compare(b.trustDomain));
  }

  /** Iterates the bundles sorted by trust domain name. */
  [Symbol.iterator](): Iterator<B> {
    return this.bundles()[Symbol.iterator]();
  }
}

/**
 * X.509 bundles by trust domain; an {@link X509BundleSource} for X.509-SVID verification.
 *
 * @example
 * ```ts
 * const set = new X509BundleSet([localBundle, federatedBundle]);
 * set.getX509BundleForTrustDomain(TrustDomain.parse('partner.example'));
 * ```
 */
export class X509BundleSet extends BundleSet<X509Bundle> implements X509BundleSource {
  /** The bundle of `td`, or `undefined`. */
  getX509BundleForTrustDomain(td: TrustDomain): X509Bundle | undefined {
    return this.get(td);
  }
}

/**
 * JWT bundles by trust domain; a {@link JwtBundleSource} for JWT-SVID validation.
 *
 * @example
 * ```ts
 * const set = new JwtBundleSet([JwtBundle.parseJwks(td, jwksText)]);
 * parseAndValidateJwtSvid(token, set, { audience: 'spiffe://example.org/api', now: new Date() });
 * ```
 */
export class JwtBundleSet extends BundleSet<JwtBundle> implements JwtBundleSource {
  /** The bundle of `td`, or `undefined`. */
  getJwtBundleForTrustDomain(td: TrustDomain): JwtBundle | undefined {
    return this.get(td);
  }
}

/**
 * SPIFFE bundles by trust domain (the local one and federated ones); a source of X.509, JWT and
 * SPIFFE bundles alike.
 *
 * @example
 * ```ts
 * const set = new SpiffeBundleSet([SpiffeBundle.parse(td, doc)]);
 * parseAndValidateJwtSvid(token, set, { audience: 'spiffe://example.org/api', now: new Date() });
 * ```
 */
export class SpiffeBundleSet extends BundleSet<SpiffeBundle> implements X509BundleSource, JwtBundleSource, SpiffeBundleSource {
  /** The X.509 bundle of `td`, or `undefined`. */
  getX509BundleForTrustDomain(td: TrustDomain): X509Bundle | undefined {
    return this.get(td)?.x509Bundle();
  }

  /** The JWT bundle of `td`, or `undefined`. */
  getJwtBundleForTrustDomain(td: TrustDomain): JwtBundle | undefined {
    return this.get(td)?.jwtBundle();
  }

  /** The SPIFFE bundle of `td`, or `undefined`. */
  getSpiffeBundleForTrustDomain(td: TrustDomain): SpiffeBundle | undefined {
    return this.get(td);
  }
}
