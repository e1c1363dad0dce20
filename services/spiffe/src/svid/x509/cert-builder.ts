/**
 * A general (not hot-path) X.509 v3 certificate builder: assembles a TBSCertificate from encoded
 * parts and signs it. Used for CA certificates and test fixtures; leaves are minted by the faster
 * template-based {@link X509SvidMinter}.
 */
import { randomFillSync, sign, type KeyObject } from 'node:crypto';
import { signatureAlgorithmFor } from '../../internal/keys.js';
import { bitString, explicit, sequence, smallInteger, time, unsignedInteger } from '../../internal/der/writer.js';

/** The fields of a certificate to build. Byte fields are complete DER elements unless stated. */
export interface CertificateFields {
  /** Serial number magnitude (big-endian, positive, 1–20 octets). */
  readonly serialNumber: Uint8Array;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectPublicKeyInfo: Uint8Array;
  /** Encoded `Extension` elements, in order. Empty means no extensions field. */
  readonly extensions: readonly Uint8Array[];
}

/** Builds and signs a certificate with `signerKey` (algorithm chosen by the key: see `signatureAlgorithmFor`). */
export function buildCertificate(fields: CertificateFields, signerKey: KeyObject): Uint8Array {
  const alg = signatureAlgorithmFor(signerKey);
  const serial = fields.serialNumber;
  if (serial.byteLength === 0 || serial.byteLength > 20 || serial.every((b) => b === 0)) {
    throw new TypeError('serialNumber must be a positive integer of 1 to 20 octets (RFC 5280 §4.1.2.2)');
  }
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    alg.identifier,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    fields.subjectPublicKeyInfo,
    ...(fields.extensions.length > 0 ? [explicit(3, sequence(...fields.extensions))] : []),
  );
  const signature = sign(alg.hash, tbs, signerKey);
  return sequence(tbs, alg.identifier, bitString(signature));
}

/**
 * A random serial number: 16 octets with the top bit clear (positive) and the next bit set (so
 * the INTEGER always encodes in exactly 16 octets), leaving 126 random bits.
 */
export function randomSerial(): Uint8Array {
  const s = randomFillSync(new Uint8Array(16));
  s[0] = (s[0]! & 0x3f) | 0x40;
  return s;
}

/** Floors a time to whole seconds, as certificate times carry no fractions. */
export function floorToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
