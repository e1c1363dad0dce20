/**
 * Test identities for SDS: workload SVIDs and trust bundles built with `TestCa`, and views.
 * @module
 */
import type { TestCa } from '@signet/spiffe/testing';
import type { TrustBundle, WorkloadSvid, WorkloadView } from '../../domain/view.js';

let entrySeq = 0;

/** A {@link WorkloadSvid} for `id`, freshly issued by `ca` (EC P-256, one hour). */
export function issueSvid(ca: TestCa, id: string, options: { readonly ttlSeconds?: number; readonly federatesWith?: readonly string[] } = {}): WorkloadSvid {
  const svid = ca.issueX509Svid(id, options.ttlSeconds === undefined ? {} : { ttlSeconds: options.ttlSeconds });
  return Object.freeze({
    entryId: `entry-${++entrySeq}`,
    spiffeId: svid.id.toString(),
    hint: '',
    certChain: svid.certificates,
    privateKey: new Uint8Array(svid.privateKey.export({ format: 'der', type: 'pkcs8' })),
    expiresAt: Math.floor(svid.leaf.notAfter.getTime() / 1000),
    federatesWith: options.federatesWith ?? [],
  });
}

/** The bundle of the trust domain of `cas[0]`, holding the roots of every CA given, in order. */
export function bundleOf(...cas: readonly TestCa[]): TrustBundle {
  const first = cas[0];
  if (first === undefined) throw new RangeError('bundleOf needs at least one CA');
  return Object.freeze({
    trustDomain: first.trustDomain.name,
    x509Authorities: cas.map((ca) => ca.root.certificate),
    jwtAuthorities: [],
    sequence: 1n,
    refreshHint: 0,
  });
}

/** A view from its parts. */
export function viewOf(parts: { readonly svids?: readonly WorkloadSvid[]; readonly bundle?: TrustBundle; readonly federated?: readonly TrustBundle[] }): WorkloadView {
  return Object.freeze({
    svids: parts.svids ?? [],
    bundle: parts.bundle,
    federatedBundles: new Map((parts.federated ?? []).map((b) => [b.trustDomain, b] as const)),
  });
}
