/**
 * Content comparison of workload views, limited to what SDS serves: SVID chains, and the X.509
 * roots of bundles (JWT keys are not part of any SDS secret).
 * @module
 */
import type { TrustBundle, WorkloadSvid, WorkloadView } from '../domain/view.js';

/** Whether two views hold the same SVIDs (ID, chain) in the same order. */
export function sameSvids(a: WorkloadView, b: WorkloadView): boolean {
  if (a.svids === b.svids) return true;
  if (a.svids.length !== b.svids.length) return false;
  for (let i = 0; i < a.svids.length; i++) if (!sameSvid(a.svids[i]!, b.svids[i])) return false;
  return true;
}

/** Whether two views hold the same X.509 roots for their own and federated trust domains. */
export function sameX509Bundles(a: WorkloadView, b: WorkloadView): boolean {
  if (!sameX509Bundle(a.bundle, b.bundle)) return false;
  if (a.federatedBundles === b.federatedBundles) return true;
  if (a.federatedBundles.size !== b.federatedBundles.size) return false;
  for (const [td, bundle] of a.federatedBundles) {
    if (!b.federatedBundles.has(td) || !sameX509Bundle(bundle, b.federatedBundles.get(td))) return false;
  }
  return true;
}

function sameSvid(a: WorkloadSvid, b: WorkloadSvid | undefined): boolean {
  if (b === undefined) return false;
  if (a === b) return true;
  return a.spiffeId === b.spiffeId && sameDerList(a.certChain, b.certChain) && bytesEqual(a.privateKey, b.privateKey);
}

function sameX509Bundle(a: TrustBundle | undefined, b: TrustBundle | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.trustDomain === b.trustDomain && sameDerList(a.x509Authorities, b.x509Authorities);
}

function sameDerList(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!bytesEqual(a[i]!, b[i])) return false;
  return true;
}

/** Byte equality; anything that is not a `Uint8Array` (a malformed view) compares unequal. */
function bytesEqual(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return false;
  if (a === b) return true;
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
