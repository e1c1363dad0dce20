/**
 * Turning what Node's TLS layer reports about a peer into the DER chain that `verifyX509Svid`
 * takes.
 * @module
 */
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';

/**
 * The DER certificates of a peer, leaf first, from `getPeerCertificate(true)`: the leaf, then
 * each `issuerCertificate` in turn. Node builds that list from the certificates the peer sent
 * (ordered by issuer) and ends it with the root when one in the local trust store matches; a
 * root among the intermediates does no harm to `verifyX509Svid`. Empty when the peer sent no
 * certificate.
 */
export function peerChainOf(cert: PeerCertificate | DetailedPeerCertificate | undefined): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  let current: PeerCertificate | undefined = cert;
  while (current !== undefined && current.raw !== undefined && current.raw.length > 0) {
    const key = current.fingerprint256;
    if (seen.has(key)) break;
    seen.add(key);
    chain.push(new Uint8Array(current.raw.buffer, current.raw.byteOffset, current.raw.byteLength));
    const issuer: DetailedPeerCertificate | undefined = (current as Partial<DetailedPeerCertificate>).issuerCertificate;
    // A self-signed certificate is its own issuer; Node then links the object to itself.
    if (issuer === undefined || issuer === current) break;
    current = issuer;
  }
  return chain;
}
