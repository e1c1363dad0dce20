/**
 * Small facts about X.509 certificates that the upstream and bundle code needs, from
 * `node:crypto`'s `X509Certificate`.
 * @module
 */
import { X509Certificate } from 'node:crypto';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The DER certificates of every `CERTIFICATE` block in PEM text, in order. Throws when one does not parse. */
export function certificatesFromPem(text: string, what: string): Uint8Array[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  return blocks.map((block, i) => {
    try {
      return new Uint8Array(new X509Certificate(block).raw);
    } catch (err) {
      throw new Error(`${what}: PEM block ${i} is not a valid certificate`, { cause: err });
    }
  });
}

/** True when the certificate is self-issued and its signature verifies with its own key (a root). */
export function isSelfSigned(der: Uint8Array): boolean {
  const cert = new X509Certificate(der);
  return cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

/** True when `child` names `parent` as issuer and is signed by its key. */
export function isIssuedBy(child: Uint8Array, parent: Uint8Array): boolean {
  const c = new X509Certificate(child);
  const p = new X509Certificate(parent);
  return c.checkIssued(p) && c.verify(p.publicKey);
}

/** The certificate's notAfter. */
export function notAfterOf(der: Uint8Array): Date {
  return new Date(new X509Certificate(der).validTo);
}

/** DER certificates as PEM text. */
export function certificatesToPem(certs: readonly Uint8Array[]): string {
  return certs.map((der) => new X509Certificate(der).toString()).join('');
}
