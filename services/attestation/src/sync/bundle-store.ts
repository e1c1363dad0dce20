/**
 * The trust bundles agents receive, held in memory and refreshed from the datastore when
 * bundle events arrive: the local trust domain's, and federated ones.
 * @module
 */
import { getBundle, listBundles, listTaintedAuthorities, listTrustedByAllTrustDomains, type Queryable, type StoredBundle, type TaintedAuthorities } from '@signet/datastore';

import type { Logger } from '@signet/platform';
import { SpiffeBundle, TrustDomain } from '@signet/spiffe';

/** A bundle in the shape the sync API sends. */
export interface BundleSnapshot {
  readonly trustDomain: string;
  /** Root CA certificates, DER. */
  readonly x509Authorities: readonly Uint8Array[];
  /** JWT keys: id and SubjectPublicKeyInfo DER. */
  readonly jwtAuthorities: readonly { readonly keyId: string; readonly publicKey: Uint8Array }[];
  readonly sequenceNumber: bigint;
  /** Seconds; 0 when unset. */
  readonly refreshHint: number;
  /** Local trust domain only: CA certificates (DER) of tainted X.509 authorities. */
  readonly taintedX509Authorities?: readonly Uint8Array[];
  /** Local trust domain only: key ids of tainted JWT keys. */
  readonly taintedJwtKeyIds?: readonly string[];
  /** Federated only: every workload trusts this trust domain. */
  readonly trustedByAll?: boolean;
}

/** Bundles by trust domain. */
export class BundleStore {
  readonly #db: Queryable;
  readonly #logger: Logger;
  readonly #bundles = new Map<string, BundleSnapshot>();
  readonly localTrustDomain: string;

  constructor(db: Queryable, localTrustDomain: string, logger: Logger) {
    this.#db = db;
    this.localTrustDomain = localTrustDomain;
    this.#logger = logger;
  }

  #trustedByAll: ReadonlySet<string> = new Set();

  /** The bundle of `trustDomain`, if stored (and readable), marked when every workload trusts it. */
  get(trustDomain: string): BundleSnapshot | undefined {
    const bundle = this.#bundles.get(trustDomain);
    if (bundle === undefined || !this.#trustedByAll.has(trustDomain)) return bundle;
    return { ...bundle, trustedByAll: true };
  }

  /** The federated trust domains every workload trusts. */
  get trustedByAll(): ReadonlySet<string> {
    return this.#trustedByAll;
  }

  /** Re-reads which federation relationships are trusted by all workloads; returns the set. */
  async loadTrustedByAll(): Promise<ReadonlySet<string>> {
    const trusted = new Set((await listTrustedByAllTrustDomains(this.#db)).filter((td) => td !== this.localTrustDomain));
    this.#trustedByAll = trusted;
    return trusted;
  }

  /** (Re)loads every bundle. */
  async loadAll(): Promise<void> {
    const stored = await listBundles(this.#db);
    const tainted = await listTaintedAuthorities(this.#db);
    this.#bundles.clear();
    for (const bundle of stored) this.#put(bundle, tainted);
  }

  /** Re-reads one trust domain's bundle (and, for the local one, its tainted authorities); tells whether it now exists. */
  async refresh(trustDomain: string): Promise<'updated' | 'removed'> {
    const stored = await getBundle(this.#db, trustDomain);
    const tainted = trustDomain === this.localTrustDomain ? await listTaintedAuthorities(this.#db) : undefined;
    if (stored === undefined || !this.#put(stored, tainted)) {
      this.#bundles.delete(trustDomain);
      return 'removed';
    }
    return 'updated';
  }

  #put(stored: StoredBundle, tainted: TaintedAuthorities | undefined): boolean {
    try {
      const snapshot = snapshotOf(stored);
      const local = stored.trustDomain === this.localTrustDomain && tainted !== undefined;
      this.#bundles.set(stored.trustDomain, local ? { ...snapshot, taintedX509Authorities: tainted.x509, taintedJwtKeyIds: tainted.jwtKeyIds } : snapshot);
      return true;
    } catch (err) {
      this.#logger.warn({ err, trust_domain: stored.trustDomain }, 'stored bundle cannot be read; not sent to agents');
      return false;
    }
  }
}

/** Converts a stored SPIFFE bundle document. Throws when the document is invalid. */
export function snapshotOf(stored: StoredBundle): BundleSnapshot {
  const bundle = SpiffeBundle.parse(TrustDomain.parse(stored.trustDomain), JSON.stringify(stored.document));
  return bundleSnapshot(bundle, BigInt(stored.sequence));
}

/** The snapshot of a SPIFFE bundle; `fallbackSequence` when the document has no `spiffe_sequence`. */
export function bundleSnapshot(bundle: SpiffeBundle, fallbackSequence = 0n): BundleSnapshot {
  return {
    trustDomain: bundle.trustDomain.name,
    x509Authorities: bundle.x509Authorities(),
    jwtAuthorities: [...bundle.jwtAuthorities()].map(([keyId, key]) => ({
      keyId,
      publicKey: new Uint8Array(key.export({ format: 'der', type: 'spki' })),
    })),
    sequenceNumber: bundle.sequenceNumber ?? fallbackSequence,
    refreshHint: bundle.refreshHint ?? 0,
  };
}
