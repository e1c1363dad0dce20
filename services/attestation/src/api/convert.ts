/**
 * Conversions between the domain and the wire types of the attestation API. Times are Unix
 * seconds, int64 values travel as decimal strings or numbers, bytes as Buffers.
 * @module
 */
import type { RegistrationEntry, Selector } from '@signet/datastore';
import { ApiError } from '@signet/platform';
import type { BundleSnapshot } from '../sync/bundle-store.js';
import type { SyncMessage } from '../sync/sync-message.js';
import type { SyncAuthorizedResponse, WireBundle, WireEntry, WireSelector } from './wire.js';

/** Unix seconds of a date (0 for none). */
export function unixSeconds(date: Date | null | undefined): number {
  return date === null || date === undefined ? 0 : Math.floor(date.getTime() / 1000);
}

/** A Buffer view of bytes (no copy). */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A selector on the wire. */
export function selectorToWire(selector: Selector): WireSelector {
  return { type: selector.type, value: selector.value };
}

/** An entry on the wire. */
export function entryToWire(entry: RegistrationEntry): WireEntry {
  return {
    id: entry.id,
    spiffe_id: entry.spiffeId,
    parent_id: entry.parentId,
    selectors: entry.selectors.map(selectorToWire),
    x509_svid_ttl: entry.x509SvidTtl,
    jwt_svid_ttl: entry.jwtSvidTtl,
    dns_names: [...entry.dnsNames],
    federates_with: [...entry.federatesWith],
    admin: entry.admin,
    downstream: entry.downstream,
    hint: entry.hint ?? '',
    expires_at: unixSeconds(entry.expiresAt),
    revision: entry.revision,
    created_at: unixSeconds(entry.createdAt),
    updated_at: unixSeconds(entry.updatedAt),
  };
}

/** A bundle on the wire. */
export function bundleToWire(bundle: BundleSnapshot): WireBundle {
  return {
    trust_domain: bundle.trustDomain,
    x509_authorities: bundle.x509Authorities.map(toBuffer),
    jwt_authorities: bundle.jwtAuthorities.map((key) => ({ key_id: key.keyId, public_key: toBuffer(key.publicKey), expires_at: 0 })),
    sequence_number: bundle.sequenceNumber.toString(),
    refresh_hint: bundle.refreshHint,
    tainted_x509_authorities: (bundle.taintedX509Authorities ?? []).map(toBuffer),
    tainted_jwt_key_ids: [...(bundle.taintedJwtKeyIds ?? [])],
    trusted_by_all: bundle.trustedByAll ?? false,
  };
}

/** A sync message on the wire. */
export function syncMessageToWire(message: SyncMessage): SyncAuthorizedResponse {
  return {
    revision: message.revision,
    snapshot: message.snapshot,
    snapshot_done: message.snapshotDone,
    upserts: message.upserts.map(entryToWire),
    removals: message.removals.map((entry_id) => ({ entry_id })),
    bundles: message.bundles.map(bundleToWire),
    removed_bundles: [...message.removedBundles],
    traceparent: message.traceparent ?? '',
  };
}

/** Reads an int64 revision (a decimal string, or a number); `invalid_argument` naming `field` otherwise. */
export function parseRevision(value: string | number | undefined | null, field: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw ApiError.invalid(field, `must be a revision from 0 to ${Number.MAX_SAFE_INTEGER} (got ${JSON.stringify(value)})`);
  return n;
}

/** The bytes of an optional bytes field (empty when unset). */
export function bytesOf(value: Buffer | Uint8Array | undefined | null): Uint8Array {
  return value === undefined || value === null ? new Uint8Array(0) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
