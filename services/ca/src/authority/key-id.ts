/**
 * Key ids of authorities: the X.509 subject key identifier of a CA key, and random JWT `kid`s.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/**
 * The subject key identifier of a public key as lower-case hex: SHA-1 of the subjectPublicKey
 * BIT STRING of its DER SubjectPublicKeyInfo, unused-bits octet excluded (RFC 5280 §4.2.1.2,
 * method 1), which is what `@signet/spiffe` writes into CA certificates. Throws a `TypeError`
 * when `spki` is not a DER SubjectPublicKeyInfo.
 */
export function subjectKeyIdHex(spki: Uint8Array): string {
  const outer = readTlv(spki, 0, 0x30);
  const algorithm = readTlv(spki, outer.contentStart, 0x30);
  const bits = readTlv(spki, algorithm.end, 0x03);
  if (bits.end !== outer.end || outer.end !== spki.length || bits.end - bits.contentStart < 2) {
    throw new TypeError('not a DER SubjectPublicKeyInfo');
  }
  return createHash('sha1').update(spki.subarray(bits.contentStart + 1, bits.end)).digest('hex');
}

/** A new JWT key id: 32 characters of base64url (192 random bits). */
export function randomJwtKeyId(): string {
  return randomBytes(24).toString('base64url');
}

interface Tlv {
  readonly contentStart: number;
  readonly end: number;
}

function readTlv(der: Uint8Array, at: number, tag: number): Tlv {
  if (der[at] !== tag) throw new TypeError('not a DER SubjectPublicKeyInfo');
  let length = der[at + 1];
  let contentStart = at + 2;
  if (length === undefined) throw new TypeError('not a DER SubjectPublicKeyInfo');
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3) throw new TypeError('not a DER SubjectPublicKeyInfo');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[contentStart + i] ?? NaN);
    contentStart += octets;
  }
  const end = contentStart + length;
  if (!Number.isInteger(end) || end > der.length) throw new TypeError('not a DER SubjectPublicKeyInfo');
  return { contentStart, end };
}
