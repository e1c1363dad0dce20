/**
 * The trust bundle of our own trust domain, as a pure function of the authority journal: the
 * roots of every X.509 authority and the public key of every JWT authority that is neither
 * revoked nor expired — prepared ones included, so peers trust the next authority before it
 * signs, and old and tainted ones until they expire or are revoked.
 * @module
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Authority, JsonObject, StoredBundle } from '@signet/datastore';
import { JwtBundle, SpiffeBundle, X509Bundle, type TrustDomain } from '@signet/spiffe';
import { bundleRoots } from '../authority/chain.js';
import { isPublished } from '../authority/rotation-policy.js';

/**
 * The bundle the authorities call for at `now`, with `refreshHintSeconds` and no sequence number.
 *
 * @example
 * ```ts
 * const desired = localBundle(td, await listAuthorities(tx), now, 300);
 * ```
 */
export function localBundle(td: TrustDomain, authorities: readonly Authority[], now: Date, refreshHintSeconds: number): SpiffeBundle {
  const published = authorities.filter((a) => isPublished(a, now));
  const roots = published.filter((a) => a.kind === 'x509').flatMap(bundleRoots);
  const jwtKeys: [string, KeyObject][] = published
    .filter((a) => a.kind === 'jwt')
    .map((a) => [a.keyId, createPublicKey({ key: Buffer.from(a.publicKey), format: 'der', type: 'spki' })]);
  return SpiffeBundle.fromX509AndJwt(X509Bundle.fromAuthorities(td, roots), JwtBundle.fromKeys(td, jwtKeys), {
    refreshHint: refreshHintSeconds,
  });
}

/** The stored bundle of `td` parsed back into a {@link SpiffeBundle}. */
export function parseStoredBundle(td: TrustDomain, stored: StoredBundle): SpiffeBundle {
  return SpiffeBundle.parse(td, JSON.stringify(stored.document));
}

/** True when `stored` already holds exactly the authorities and refresh hint of `desired`. */
export function isUpToDate(desired: SpiffeBundle, stored: StoredBundle | undefined): boolean {
  if (stored === undefined) return false;
  const current = parseStoredBundle(desired.trustDomain, stored);
  return desired.withSequenceNumber(current.sequenceNumber).equals(current);
}

/** The SPIFFE bundle document of `bundle` with `spiffe_sequence` set to `sequence`. */
export function bundleDocument(bundle: SpiffeBundle, sequence: number): JsonObject {
  return JSON.parse(bundle.withSequenceNumber(BigInt(sequence)).toJson()) as JsonObject;
}
