/**
 * What one workload may see: its X.509-SVIDs (with their private keys), the bundle of its own
 * trust domain and the bundles of the trust domains its entries federate with. The Workload API
 * and SDS both serve from a {@link WorkloadView}; {@link WorkloadViews} keeps views current.
 * @module
 */
import type { Selector } from './selectors.js';

/** A JWT signing key of a bundle. */
export interface JwtAuthority {
  readonly keyId: string;
  /** SubjectPublicKeyInfo, DER. */
  readonly publicKey: Uint8Array;
}

/** The trust bundle of one trust domain, as the agent holds it. */
export interface TrustBundle {
  /** Trust domain name, without `spiffe://` (e.g. `example.org`). */
  readonly trustDomain: string;
  /** Root CA certificates, DER, in a stable order. */
  readonly x509Authorities: readonly Uint8Array[];
  /** JWT keys, in a stable order. */
  readonly jwtAuthorities: readonly JwtAuthority[];
  readonly sequence: bigint;
  /** Seconds; 0 when unset. */
  readonly refreshHint: number;
  /** Own trust domain: CA certificates (DER) of tainted authorities (what they signed is re-issued). */
  readonly taintedX509Authorities?: readonly Uint8Array[];
  /** Own trust domain: key ids of tainted JWT keys. */
  readonly taintedJwtKeyIds?: readonly string[];
  /** Federated: every workload trusts this trust domain (its relationship is trusted by all). */
  readonly trustedByAll?: boolean;
}

/** One X.509-SVID a workload may have. */
export interface WorkloadSvid {
  /** The registration entry this SVID is for. */
  readonly entryId: string;
  /** The SPIFFE ID, canonical string. */
  readonly spiffeId: string;
  /** The entry's hint ('' when none). */
  readonly hint: string;
  /** Certificates, DER, leaf first, then intermediates (not the root). */
  readonly certChain: readonly Uint8Array[];
  /** The private key, PKCS#8 DER. Never logged. */
  readonly privateKey: Uint8Array;
  /** notAfter of the leaf, Unix seconds. */
  readonly expiresAt: number;
  /** Trust domain names the entry federates with. */
  readonly federatesWith: readonly string[];
}

/** Everything one workload may see, at one moment. Immutable. */
export interface WorkloadView {
  /**
   * The workload's SVIDs in a stable order (the first is its default SVID): sorted by entry
   * creation then entry id. Entries that match but have no SVID yet are absent.
   */
  readonly svids: readonly WorkloadSvid[];
  /** The bundle of the agent's own trust domain (undefined only before the first sync). */
  readonly bundle: TrustBundle | undefined;
  /** Bundles of the trust domains the workload's entries federate with, by trust domain name. */
  readonly federatedBundles: ReadonlyMap<string, TrustBundle>;
}

/** A live subscription to one workload's view. */
export interface ViewWatch {
  /** The view as of now. */
  current(): WorkloadView;
  /** Stops the listener; idempotent. */
  close(): void;
}

/** The source of workload views (the agent's identity cache). */
export interface WorkloadViews {
  /** The agent's own trust domain name. */
  readonly trustDomain: string;
  /**
   * Subscribes to the view of a workload with these selectors. `listener` runs after each change
   * of the cache that may affect the view (several changes in one tick coalesce into one call);
   * callers compare contents to skip identical updates. Call `close()` when the stream ends.
   */
  watch(selectors: readonly Selector[], listener: (view: WorkloadView) => void): ViewWatch;
}
