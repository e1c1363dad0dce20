/**
 * A stored bundle read back through the SDK: the SPIFFE bundle it holds, where it came from and
 * its sequence. The SPIFFE document's `spiffe_sequence` is reported when it has one, otherwise
 * the store's own write counter.
 * @module
 */
import type { BundleSource, StoredBundle } from '@signet/datastore';
import { SpiffeBundle, TrustDomain } from '@signet/spiffe';

/** A bundle as the registrar shows it. */
export interface BundleView {
  readonly trustDomain: TrustDomain;
  readonly bundle: SpiffeBundle;
  readonly source: BundleSource;
  /** `spiffe_sequence` of the document, or the store's write counter when the document has none. */
  readonly sequenceNumber: bigint;
  readonly updatedAt: Date;
}

/** Parses a stored bundle with the SDK (a document the SDK refuses is a server fault: it throws). */
export function bundleView(stored: StoredBundle): BundleView {
  const trustDomain = TrustDomain.parse(stored.trustDomain);
  const bundle = SpiffeBundle.parse(trustDomain, JSON.stringify(stored.document));
  return {
    trustDomain,
    bundle,
    source: stored.source,
    sequenceNumber: bundle.sequenceNumber ?? BigInt(stored.sequence),
    updatedAt: stored.updatedAt,
  };
}
