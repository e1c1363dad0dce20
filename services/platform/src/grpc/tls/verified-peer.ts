/**
 * The identity an mTLS peer proved when its connection was opened, and whether it still holds.
 * @module
 */
import type { DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';
import { verifyX509Svid, type SpiffeId, type X509Bundle, type X509BundleSource } from '@signet/spiffe';
import { peerChainOf } from './peer-chain.js';

/** What a TLS connection's peer proved: nothing, a bad certificate, or an X.509-SVID. */
export type PeerVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'verified'; readonly peer: VerifiedPeer };

/**
 * A peer whose X.509-SVID chain verified against the trust bundle when the connection opened.
 * {@link VerifiedPeer.problem} re-checks it for each call: the chain must not have expired since,
 * and when the bundle of its trust domain has changed (an authority removed), the chain is
 * verified again against the new one.
 */
export class VerifiedPeer {
  readonly id: SpiffeId;
  readonly #chain: readonly Uint8Array[];
  readonly #notAfterMs: number;
  #bundle: X509Bundle | undefined;
  #revoked: string | undefined;

  private constructor(id: SpiffeId, chain: readonly Uint8Array[], notAfterMs: number, bundle: X509Bundle | undefined) {
    this.id = id;
    this.#chain = chain;
    this.#notAfterMs = notAfterMs;
    this.#bundle = bundle;
  }

  /** Verifies `chain` (leaf first) with `verifyX509Svid`; throws its error when it does not verify. */
  static verify(chain: readonly Uint8Array[], notAfterMs: number, bundles: X509BundleSource, now: Date): VerifiedPeer {
    const { id } = verifyX509Svid(chain, bundles, { now });
    return new VerifiedPeer(id, chain, notAfterMs, bundles.getX509BundleForTrustDomain(id.trustDomain));
  }

  /** When the first certificate of the presented chain expires. */
  get notAfter(): Date {
    return new Date(this.#notAfterMs);
  }

  /** Why the peer's identity no longer holds at `now`, or `undefined` while it does. */
  problem(bundles: X509BundleSource, now: Date): string | undefined {
    if (now.getTime() > this.#notAfterMs) {
      return `the peer's X.509-SVID (${this.id.toString()}) expired at ${this.notAfter.toISOString()}; reconnect with a current one`;
    }
    const bundle = bundles.getX509BundleForTrustDomain(this.id.trustDomain);
    if (bundle === this.#bundle) return this.#revoked;
    if (bundle !== undefined && this.#bundle !== undefined && bundle.equals(this.#bundle)) {
      this.#bundle = bundle;
      return this.#revoked;
    }
    this.#bundle = bundle;
    try {
      verifyX509Svid(this.#chain, bundles, { now });
      this.#revoked = undefined;
    } catch (err) {
      this.#revoked = `the peer's X.509-SVID is no longer trusted: ${(err as Error).message}`;
    }
    return this.#revoked;
  }
}

/**
 * Verifies the certificate chain a TLS peer presented against `bundles` at `now`, with
 * `verifyX509Svid` (the SPIFFE rules, not only OpenSSL's path check).
 */
export function verifyTlsPeer(socket: TLSSocket, bundles: X509BundleSource, now: Date): PeerVerdict {
  const cert = socket.getPeerCertificate(true) as DetailedPeerCertificate | PeerCertificate | undefined;
  const chain = peerChainOf(cert);
  if (chain.length === 0) return { kind: 'none' };
  try {
    return { kind: 'verified', peer: VerifiedPeer.verify(chain, earliestNotAfter(cert), bundles, now) };
  } catch (err) {
    return { kind: 'rejected', reason: (err as Error).message };
  }
}

function earliestNotAfter(cert: PeerCertificate | undefined): number {
  let earliest = Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  let current: PeerCertificate | undefined = cert;
  while (current !== undefined && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    const t = Date.parse(current.valid_to);
    if (Number.isFinite(t)) earliest = Math.min(earliest, t);
    current = (current as Partial<DetailedPeerCertificate>).issuerCertificate;
  }
  return earliest;
}
