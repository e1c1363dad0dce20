/**
 * A stored bundle read back through the SDK: the SPIFFE bundle it holds, where it came from and
 * its sequence. The SPIFFE document's `spiffe_sequence` is reported when it has one, otherwise
 * the store's own write counter.
 * @module
 */
import type { BundleSource, StoredBundle, TaintedAuthorities } from '@signet/datastore';
import { SpiffeBundle, TrustDomain } from '@signet/spiffe';

/** A bundle as the registrar shows it. */
export interface BundleView {
  readonly trustDomain: TrustDomain;
  readonly bundle: SpiffeBundle;
  readonly source: BundleSource;
  /** `spiffe_sequence` of the document, or the store's write counter when the document has none. */
  readonly sequenceNumber: bigint;
  readonly updatedAt: Date;
  /** Federated bundles: its federation relationship says every workload trusts it. */
  readonly trustedByAll: boolean;
  /** Local bundle: the tainted authorities it still holds (CA certificates, DER) and tainted JWT key ids. */
  readonly tainted: TaintedAuthorities;
}

/** What a bundle view knows besides the stored bundle. */
export interface BundleViewExtras {
  readonly trustedByAll?: boolean;
  readonly tainted?: BundleView['tainted'];
}

const NOTHING_TAINTED: TaintedAuthorities = Object.freeze({ x509: [], jwtKeyIds: [] });

/**
 * Parses a stored bundle with the SDK (a document the SDK refuses is a server fault: it throws).
 * `extras.trustedByAll` comes from the trust domain's federation relationship, `extras.tainted`
 * from the CA's authorities (local bundle).
 */
export function bundleView(stored: StoredBundle, extras: BundleViewExtras = {}): BundleView {
  const trustDomain = TrustDomain.parse(stored.trustDomain);
  const bundle = SpiffeBundle.parse(trustDomain, JSON.stringify(stored.document));
  return {
    trustDomain,
    bundle,
    source: stored.source,
    sequenceNumber: bundle.sequenceNumber ?? BigInt(stored.sequence),
    updatedAt: stored.updatedAt,
    trustedByAll: extras.trustedByAll ?? false,
    tainted: extras.tainted ?? NOTHING_TAINTED,
  };
}
