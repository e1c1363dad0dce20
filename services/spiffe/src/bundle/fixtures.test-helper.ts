/**
 * Test-only helper: builds small, real, self-signed CA certificates with `node:crypto`, so bundle
 * tests generate their fixtures instead of reading files. Not part of the package's API.
 * @internal
 */
import { sign, type KeyObject } from 'node:crypto';

/** What a fixture certificate contains. */
export interface FixtureCertificateOptions {
  readonly organization?: string;
  readonly uri?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Serial number as hex digits. */
  readonly serialHex?: string;
}

/** A self-signed CA certificate (DER) for `publicKey`, signed with `privateKey` (EC → ecdsa-with-SHA256, RSA → sha256WithRSAEncryption, Ed25519). */
export function selfSignedCa(privateKey: KeyObject, publicKey: KeyObject, o: FixtureCertificateOptions = {}): Uint8Array {
  const type = privateKey.asymmetricKeyType;
  const sigAlg =
    type === 'ec'
      ? tlv(0x30, hex('06082a8648ce3d040302'))
      : type === 'ed25519'
        ? tlv(0x30, hex('06032b6570'))
        : tlv(0x30, hex('06092a864886f70d01010b'), hex('0500'));
  const name = tlv(0x30, tlv(0x31, tlv(0x30, hex('060355040a'), tlv(0x0c, Buffer.from(o.organization ?? 'example.org')))));
  const notBefore = o.notBefore ?? new Date('2024-01-01T00:00:00Z');
  const notAfter = o.notAfter ?? new Date('2034-01-01T00:00:00Z');
  const exts = [
    // basicConstraints, critical, cA TRUE
    tlv(0x30, hex('0603551d13'), hex('0101ff'), tlv(0x04, tlv(0x30, hex('0101ff')))),
    // keyUsage, critical, keyCertSign | cRLSign
    tlv(0x30, hex('0603551d0f'), hex('0101ff'), tlv(0x04, hex('03020106'))),
  ];
  if (o.uri !== undefined) exts.push(tlv(0x30, hex('0603551d11'), tlv(0x04, tlv(0x30, tlv(0x86, Buffer.from(o.uri))))));
  const tbs = tlv(
    0x30,
    hex('a003020102'),
    tlv(0x02, serial(o.serialHex ?? '01')),
    sigAlg,
    name,
    tlv(0x30, time(notBefore), time(notAfter)),
    name,
    publicKey.export({ format: 'der', type: 'spki' }),
    tlv(0xa3, tlv(0x30, ...exts)),
  );
  const signature = sign(type === 'ed25519' ? null : 'sha256', tbs, privateKey);
  return new Uint8Array(tlv(0x30, tbs, sigAlg, tlv(0x03, Buffer.from([0]), signature)));
}

function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}

function hex(h: string): Buffer {
  return Buffer.from(h, 'hex');
}

function serial(h: string): Buffer {
  const b = hex(h.length % 2 === 0 ? h : `0${h}`);
  return (b[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
}

function time(d: Date): Buffer {
  const iso = d.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const y = d.getUTCFullYear();
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return y < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}
