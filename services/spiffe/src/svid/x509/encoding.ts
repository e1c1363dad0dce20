/**
 * The encodings certificates travel in: PEM text (files, Envoy secrets) and concatenated DER
 * (the SPIFFE Workload API's `x509_svid` and `bundle` fields).
 * @module
 */
import { BundleInvalidError, X509SvidInvalidError } from '../../errors.js';
import { DerReader } from '../../internal/der/reader.js';
import { Tag } from '../../internal/der/tags.js';
import { decodePem, encodePem as encodePemBlock } from '../../internal/pem.js';

/**
 * One PEM block (RFC 7468) with 64-character lines and a trailing newline.
 *
 * @example
 * ```ts
 * encodePem('CERTIFICATE', der); // '-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n'
 * ```
 */
export function encodePem(label: string, der: Uint8Array): string {
  return encodePemBlock(label, der);
}

/**
 * The DER certificates of PEM text holding zero or more `CERTIFICATE` blocks, in order. Any
 * other block, or PEM text without a certificate, is a {@link BundleInvalidError}.
 */
export function parsePemCertificates(pem: string): Uint8Array[] {
  const blocks = decodePem(pem, BundleInvalidError);
  blocks.forEach((b, i) => {
    if (b.label !== 'CERTIFICATE') {
      throw new BundleInvalidError(`x509bundle: PEM block ${i} is "${b.label}"; only CERTIFICATE blocks are allowed`);
    }
  });
  if (blocks.length === 0 && pem.trim().length > 0) throw new BundleInvalidError('x509bundle: no PEM CERTIFICATE block found');
  return blocks.map((b) => b.der);
}

/** Splits concatenated DER certificates; {@link X509SvidInvalidError} when the bytes are not a sequence of them. */
export function splitDerCertificates(bytes: Uint8Array): Uint8Array[] {
  const r = new DerReader(bytes, (m) => {
    throw new X509SvidInvalidError(`x509svid: ${m}`);
  }, 'certificates');
  const out: Uint8Array[] = [];
  while (!r.atEnd()) out.push(r.read(Tag.SEQUENCE, `certificate ${out.length}`).raw);
  return out;
}
