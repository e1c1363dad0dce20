/**
 * Conversions between the control plane's wire messages (signet.types.v1, signet.attestation.v1)
 * and the agent's domain types.
 * @module
 */
import type { AgentEntry } from '../domain/entry.js';
import type { SyncUpdate } from '../domain/sync-update.js';
import type { TrustBundle } from '../domain/view.js';
import type { SyncAuthorizedResponse__Output } from '../../../platform/src/gen/signet/signet/attestation/v1/SyncAuthorizedResponse.js';
import type { Bundle__Output } from '../../../platform/src/gen/signet/signet/types/v1/Bundle.js';
import type { Entry__Output } from '../../../platform/src/gen/signet/signet/types/v1/Entry.js';

/** signet.types.v1.Entry as decoded (int64 as strings): the generated type. */
export type WireEntry = Entry__Output;

/** signet.types.v1.Bundle as decoded: the generated type. */
export type WireBundle = Bundle__Output;

/** signet.attestation.v1.SyncAuthorizedResponse as decoded: the generated type. */
export type WireSyncResponse = SyncAuthorizedResponse__Output;

/** A trust-domain name from an ID or a name (`spiffe://td` and `td` both give `td`). */
export function trustDomainName(value: string): string {
  return value.startsWith('spiffe://') ? value.slice('spiffe://'.length).replace(/\/.*$/, '') : value;
}

/** The domain form of an entry. */
export function entryFromWire(e: WireEntry): AgentEntry {
  return {
    id: e.id,
    spiffeId: e.spiffe_id,
    parentId: e.parent_id,
    selectors: e.selectors.map((s) => ({ type: s.type, value: s.value })),
    x509SvidTtl: e.x509_svid_ttl,
    jwtSvidTtl: e.jwt_svid_ttl,
    dnsNames: [...e.dns_names],
    federatesWith: e.federates_with.map(trustDomainName),
    hint: e.hint,
    admin: e.admin,
    downstream: e.downstream,
    expiresAt: Number(e.expires_at),
    revision: Number(e.revision),
    createdAt: Number(e.created_at),
  };
}

/** The domain form of a bundle. */
export function bundleFromWire(b: WireBundle): TrustBundle {
  return {
    trustDomain: trustDomainName(b.trust_domain),
    x509Authorities: b.x509_authorities.map((d) => new Uint8Array(d)),
    jwtAuthorities: b.jwt_authorities.map((k) => ({ keyId: k.key_id, publicKey: new Uint8Array(k.public_key) })),
    sequence: BigInt(b.sequence_number || '0'),
    refreshHint: Number(b.refresh_hint || '0'),
    taintedX509Authorities: (b.tainted_x509_authorities ?? []).map((d) => new Uint8Array(d)),
    taintedJwtKeyIds: [...(b.tainted_jwt_key_ids ?? [])],
    ...(b.trusted_by_all ? { trustedByAll: true } : {}),
  };
}

/** The domain form of a push-stream message. */
export function syncUpdateFromWire(m: WireSyncResponse): SyncUpdate {
  return {
    revision: Number(m.revision),
    snapshot: m.snapshot,
    snapshotDone: m.snapshot_done,
    upserts: m.upserts.map(entryFromWire),
    removals: m.removals.map((r) => r.entry_id),
    bundles: m.bundles.map(bundleFromWire),
    removedBundles: m.removed_bundles.map(trustDomainName),
    ...(m.traceparent ? { traceparent: m.traceparent } : {}),
  };
}
