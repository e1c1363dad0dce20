/**
 * Whether a certificate chain leads to one of a bundle's roots.
 * @module
 */
import { X509Certificate } from 'node:crypto';

const parsed = new WeakMap<Uint8Array, X509Certificate>();

function certOf(der: Uint8Array): X509Certificate {
  let cert = parsed.get(der);
  if (cert === undefined) {
    cert = new X509Certificate(der);
    parsed.set(der, cert);
  }
  return cert;
}

/**
 * Whether the last certificate of `chain` (leaf first) is one of `roots` or is signed by one of
 * them. Only the top of the chain is checked: the CA built the rest.
 */
export function chainRootedIn(chain: readonly Uint8Array[], roots: readonly Uint8Array[]): boolean {
  const top = chain[chain.length - 1];
  if (top === undefined) return false;
  let topCert: X509Certificate;
  try {
    topCert = certOf(top);
  } catch {
    return false;
  }
  for (const rootDer of roots) {
    if (Buffer.from(rootDer).equals(top)) return true;
    try {
      const root = certOf(rootDer);
      if (topCert.checkIssued(root) && topCert.verify(root.publicKey)) return true;
    } catch {
      // An unreadable root proves nothing.
    }
  }
  return false;
}

/** Whether the leaf of `chain` was signed by one of `authorities` (CA certificates, DER). */
export function leafSignedByAny(chain: readonly Uint8Array[], authorities: readonly Uint8Array[]): boolean {
  const leafDer = chain[0];
  if (leafDer === undefined || authorities.length === 0) return false;
  let leaf: X509Certificate;
  try {
    leaf = certOf(leafDer);
  } catch {
    return false;
  }
  for (const der of authorities) {
    try {
      const ca = certOf(der);
      if (leaf.checkIssued(ca) && leaf.verify(ca.publicKey)) return true;
    } catch {
      // An unreadable authority signed nothing we hold.
    }
  }
  return false;
}
