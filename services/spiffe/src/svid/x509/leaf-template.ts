/**
 * The pre-encoded TBSCertificate template of leaf X.509-SVIDs issued by one CA, and the routine
 * that fills in the per-leaf fields. Everything that does not change between leaves (version,
 * signature algorithm, issuer, basic constraints, key usage, extended key usage, authority key
 * identifier) is encoded once; each leaf only writes its serial, validity, subject, public key,
 * subject key identifier and SAN. @internal
 */
import { Oid } from '../../internal/der/oids.js';
import { Tag, contextTag } from '../../internal/der/tags.js';
import {
  explicit,
  lengthOfLength,
  oid,
  printableString,
  sequence,
  setOf,
  smallInteger,
  utf8String,
  writeHeader,
  writeTime,
} from '../../internal/der/writer.js';
import { keyIdentifier, type KeyKind, type SignatureAlgorithm } from '../../internal/keys.js';
import { authorityKeyIdExtension, basicConstraintsExtension, extKeyUsageExtension, keyUsageExtension } from './encode-extensions.js';
import { keyUsageMask } from './key-usage.js';

/** Octets of every minted serial number (see `randomSerial`). */
export const SERIAL_LENGTH = 16;

/** The constant parts of a CA's leaf TBSCertificate. */
export interface LeafTemplate {
  /** `[0] { INTEGER 2 }` followed by the header of the 16-octet serial INTEGER. */
  readonly head: Uint8Array;
  /** The signature AlgorithmIdentifier followed by the issuer Name. */
  readonly mid: Uint8Array;
  /** basicConstraints (cA false, critical), keyUsage (critical) and extKeyUsage, per subject key kind. */
  readonly fixedExtensions: Readonly<Record<KeyKind, Uint8Array>>;
  readonly authorityKeyId: Uint8Array;
  /** `O=SPIFFE, serialNumber=<32 hex digits>` with the digits at `defaultSubjectSerialAt`. */
  readonly defaultSubject: Uint8Array;
  readonly defaultSubjectSerialAt: number;
  readonly signatureAlgorithm: SignatureAlgorithm;
}

/** Leaf key usages (X509-SVID §4.3): digitalSignature always; keyEncipherment for RSA keys (RSA key transport). */
export const LEAF_KEY_USAGE: Readonly<Record<KeyKind, number>> = {
  'ec-p256': keyUsageMask(['digitalSignature']),
  'ec-p384': keyUsageMask(['digitalSignature']),
  rsa: keyUsageMask(['digitalSignature', 'keyEncipherment']),
};

/** Builds the template for a CA with subject `issuer` and key identifier `caKeyId`, signing with `alg`. */
export function buildLeafTemplate(issuer: Uint8Array, caKeyId: Uint8Array, alg: SignatureAlgorithm): LeafTemplate {
  const version = explicit(0, smallInteger(2));
  const head = new Uint8Array(version.byteLength + 2);
  head.set(version, 0);
  head.set([Tag.INTEGER, SERIAL_LENGTH], version.byteLength);
  const mid = concat(alg.identifier, issuer);
  const common = (kind: KeyKind): Uint8Array =>
    concat(basicConstraintsExtension(false), keyUsageExtension(LEAF_KEY_USAGE[kind]), extKeyUsageExtension([Oid.serverAuth, Oid.clientAuth]));
  const placeholder = '0'.repeat(2 * SERIAL_LENGTH);
  const defaultSubject = sequence(
    setOf(sequence(oid(Oid.organizationName), utf8String('SPIFFE'))),
    setOf(sequence(oid(Oid.serialNumber), printableString(placeholder))),
  );
  return {
    head,
    mid,
    fixedExtensions: { 'ec-p256': common('ec-p256'), 'ec-p384': common('ec-p384'), rsa: common('rsa') },
    authorityKeyId: authorityKeyIdExtension(caKeyId),
    defaultSubject,
    defaultSubjectSerialAt: defaultSubject.byteLength - placeholder.length,
    signatureAlgorithm: alg,
  };
}

/** The per-leaf values written into the template. */
export interface LeafValues {
  /** 16 octets, top bit clear, second bit set. */
  readonly serial: Uint8Array;
  /** Lower-case hex of `serial`, used by the default subject. */
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** An encoded Name, or `undefined` for the default subject. */
  readonly subject: Uint8Array | undefined;
  readonly spki: Uint8Array;
  readonly keyKind: KeyKind;
  /** The subjectPublicKey bits, hashed (SHA-1) into the subject key identifier. */
  readonly keyBits: Uint8Array;
  /** The encoded subjectAltName extension. */
  readonly subjectAltName: Uint8Array;
}

// subjectKeyIdentifier extension header: SEQUENCE { OID 2.5.29.14, OCTET STRING { OCTET STRING (20) } }
const SKI_HEADER = Uint8Array.of(0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14);
const SKI_LENGTH = SKI_HEADER.byteLength + 20;

/** Writes the TBSCertificate of one leaf into a new buffer. */
export function writeLeafTbs(t: LeafTemplate, v: LeafValues): Buffer {
  const fixedExt = t.fixedExtensions[v.keyKind];
  const subject = v.subject ?? t.defaultSubject;
  const extsLen = fixedExt.byteLength + SKI_LENGTH + t.authorityKeyId.byteLength + v.subjectAltName.byteLength;
  const extSeqLen = 1 + lengthOfLength(extsLen) + extsLen;
  const ctx3Len = 1 + lengthOfLength(extSeqLen) + extSeqLen;
  const validityContent = (v.notBefore.getUTCFullYear() < 2050 ? 15 : 17) + (v.notAfter.getUTCFullYear() < 2050 ? 15 : 17);
  const content =
    t.head.byteLength + SERIAL_LENGTH + t.mid.byteLength + 2 + validityContent + subject.byteLength + v.spki.byteLength + ctx3Len;
  const buf = Buffer.allocUnsafe(1 + lengthOfLength(content) + content);
  let pos = writeHeader(buf, 0, Tag.SEQUENCE, content);
  pos = put(buf, pos, t.head);
  pos = put(buf, pos, v.serial);
  pos = put(buf, pos, t.mid);
  buf[pos++] = Tag.SEQUENCE;
  buf[pos++] = validityContent;
  pos = writeTime(buf, pos, v.notBefore);
  pos = writeTime(buf, pos, v.notAfter);
  if (v.subject === undefined) {
    buf.set(subject, pos);
    buf.write(v.serialHex, pos + t.defaultSubjectSerialAt, 'latin1');
    pos += subject.byteLength;
  } else {
    pos = put(buf, pos, subject);
  }
  pos = put(buf, pos, v.spki);
  pos = writeHeader(buf, pos, contextTag(3, true), extSeqLen);
  pos = writeHeader(buf, pos, Tag.SEQUENCE, extsLen);
  pos = put(buf, pos, fixedExt);
  pos = put(buf, pos, SKI_HEADER);
  pos = put(buf, pos, keyIdentifier(v.keyBits));
  pos = put(buf, pos, t.authorityKeyId);
  pos = put(buf, pos, v.subjectAltName);
  if (pos !== buf.byteLength) throw new Error(`x509svid: internal error: TBS length ${pos} ≠ ${buf.byteLength}`);
  return buf;
}

/** Wraps a TBSCertificate and its signature into the Certificate SEQUENCE. */
export function writeCertificate(tbs: Uint8Array, algorithmIdentifier: Uint8Array, signature: Uint8Array): Uint8Array {
  const bitLen = 1 + signature.byteLength;
  const bitTotal = 1 + lengthOfLength(bitLen) + bitLen;
  const content = tbs.byteLength + algorithmIdentifier.byteLength + bitTotal;
  const out = new Uint8Array(1 + lengthOfLength(content) + content);
  let pos = writeHeader(out, 0, Tag.SEQUENCE, content);
  pos = put(out, pos, tbs);
  pos = put(out, pos, algorithmIdentifier);
  pos = writeHeader(out, pos, Tag.BIT_STRING, bitLen);
  out[pos++] = 0;
  out.set(signature, pos);
  return out;
}

function put(buf: Uint8Array, pos: number, part: Uint8Array): number {
  buf.set(part, pos);
  return pos + part.byteLength;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  parts.reduce((pos, p) => put(out, pos, p), 0);
  return out;
}
