/**
 * Where the TLS transports get their credentials: narrow "source" interfaces (after go-spiffe's
 * `x509svid.Source` / `x509bundle.Source`) that return the *current* value, so a rotation is a
 * matter of the source returning something new, and holders that a composition root updates.
 * @module
 */
import type { SpiffeId, TrustDomain, X509Bundle, X509BundleSource, X509Svid } from '@signet/spiffe';

export type { X509BundleSource };

/** Anything that can hand out the current X.509-SVID (chain and private key) of this process. */
export interface X509SvidSource {
  /** The SVID to present now. Return the same object until it changes (it is compared by identity first). */
  getX509Svid(): X509Svid;
}

/** The role of an mTLS peer, decided by the composition root from its verified SPIFFE ID. */
export type PeerRole = 'admin' | 'agent' | 'server';

/**
 * Classifies a verified mTLS peer. Returning `undefined` makes the peer an anonymous caller that
 * carries its SPIFFE ID: it may call methods that allow anonymous callers, and gets
 * PERMISSION_DENIED (not UNAUTHENTICATED) from the others. Called on every call, so a change of
 * classification (an admin entry removed) applies to open connections too; keep it cheap.
 */
export type PeerClassifier = (id: SpiffeId) => PeerRole | undefined;

/**
 * Holds an X.509-SVID that changes over time; the {@link X509SvidSource} a composition root
 * hands to the transports and updates when the SVID is renewed.
 *
 * @example
 * ```ts
 * const svid = new X509SvidHolder(initial);
 * await server.listenTcp('0.0.0.0', 8081, { tls: { svidSource: svid, bundleSource: bundles } });
 * rotator.on('renewed', (next) => svid.set(next)); // new connections present `next`
 * ```
 */
export class X509SvidHolder implements X509SvidSource {
  #svid: X509Svid;

  constructor(svid: X509Svid) {
    this.#svid = svid;
  }

  /** The current SVID. */
  getX509Svid(): X509Svid {
    return this.#svid;
  }

  /** Replaces the SVID; connections opened from now on present it. */
  set(svid: X509Svid): void {
    this.#svid = svid;
  }
}

/**
 * Holds the X.509 bundles of one or more trust domains, replaced as they change; the
 * {@link X509BundleSource} a composition root hands to the transports.
 *
 * @example
 * ```ts
 * const bundles = new X509BundleHolder([localBundle]);
 * bundles.set(localBundle.withX509Authority(nextRootDer)); // peers verified from now on may chain to it
 * ```
 */
export class X509BundleHolder implements X509BundleSource {
  readonly #bundles = new Map<string, X509Bundle>();

  constructor(bundles: Iterable<X509Bundle> = []) {
    for (const b of bundles) this.set(b);
  }

  /** The bundle of `td`, or `undefined`. */
  getX509BundleForTrustDomain(td: TrustDomain): X509Bundle | undefined {
    return this.#bundles.get(td.name);
  }

  /** Sets (or replaces) the bundle of the bundle's trust domain. */
  set(bundle: X509Bundle): void {
    this.#bundles.set(bundle.trustDomain.name, bundle);
  }

  /** Forgets the bundle of `td`. */
  delete(td: TrustDomain): void {
    this.#bundles.delete(td.name);
  }
}
