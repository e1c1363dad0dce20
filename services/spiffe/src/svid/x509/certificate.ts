/**
 * Parsing of DER X.509 certificates (RFC 5280 §4.1) into the fields SVID validation needs, with a
 * cache keyed on the DER byte array so trust anchors are parsed (and their keys imported) once.
 */
import type { KeyObject } from 'node:crypto';
import { X509SvidInvalidError } from '../../errors.js';
import { DerReader, checkInteger, decodeBitString, decodeOid, decodeSmallUint, decodeTime, type Fail } from '../../internal/der/reader.js';
import { Tag, contextTag } from '../../internal/der/tags.js';
import { importSpki } from '../../internal/keys.js';
import { bytesEqual } from '../../internal/pem.js';
import { decodeExtensions, readExtensions, type DecodedExtensions, type RawExtension } from './extensions.js';

/** A parsed certificate. Byte fields are views on `der` and must not be mutated. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** The TBSCertificate encoding: the bytes the signature covers. */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** The serialNumber INTEGER contents (two's complement, big-endian). */
  readonly serialNumber: Uint8Array;
  /** The signatureAlgorithm OID. */
  readonly signatureAlgorithm: string;
  /** Whether the signatureAlgorithm carries parameters, and whether they are NULL. */
  readonly signatureParams: 'absent' | 'null' | 'other';
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectPublicKeyInfo: Uint8Array;
  readonly signature: Uint8Array;
  readonly extensions: readonly RawExtension[];
  readonly ext: DecodedExtensions;
}

/** Parses a DER certificate. Throws {@link X509SvidInvalidError} naming the malformed field. */
export function parseCertificate(der: Uint8Array, label = 'certificate'): ParsedCertificate {
  if (!(der instanceof Uint8Array)) throw new TypeError(`${label} must be a Uint8Array of DER bytes`);
  const fail: Fail = (m) => {
    throw new X509SvidInvalidError(`x509svid: ${m}`);
  };
  const top = new DerReader(der, fail, label);
  const certTlv = top.read(Tag.SEQUENCE, '');
  top.expectEnd();
  const cert = top.sub(certTlv.value, '');
  const tbsTlv = cert.read(Tag.SEQUENCE, 'tbsCertificate');
  const outerAlg = cert.read(Tag.SEQUENCE, 'signatureAlgorithm');
  const sig = decodeBitString(cert.read(Tag.BIT_STRING, 'signatureValue').value, fail, `${label}.signatureValue`);
  cert.expectEnd();
  if (sig.unusedBits !== 0) fail(`${label}.signatureValue: must be a whole number of octets`);

  const tbs = cert.sub(tbsTlv.value, 'tbsCertificate');
  const versionTlv = tbs.optional(contextTag(0, true), 'version');
  let version = 1;
  if (versionTlv !== undefined) {
    const v = tbs.sub(versionTlv.value, 'version');
    version = decodeSmallUint(v.read(Tag.INTEGER, '').value, fail, v.path) + 1;
    v.expectEnd();
    if (version > 3) tbs.fail('version', `unknown version v${version}`);
  }
  const serialNumber = checkInteger(tbs.read(Tag.INTEGER, 'serialNumber').value, fail, `${tbs.path}.serialNumber`);
  const innerAlg = tbs.read(Tag.SEQUENCE, 'signature');
  if (!bytesEqual(innerAlg.raw, outerAlg.raw)) {
    fail(`${label}: tbsCertificate.signature and signatureAlgorithm differ (RFC 5280 §4.1.1.2)`);
  }
  const { oid: signatureAlgorithm, params: signatureParams } = readAlgorithm(cert.sub(outerAlg.value, 'signatureAlgorithm'), fail);
  const issuer = tbs.read(Tag.SEQUENCE, 'issuer').raw;
  const validity = tbs.enter(Tag.SEQUENCE, 'validity');
  const notBefore = decodeTime(validity.next('notBefore'), fail, `${validity.path}.notBefore`);
  const notAfter = decodeTime(validity.next('notAfter'), fail, `${validity.path}.notAfter`);
  validity.expectEnd();
  const subject = tbs.read(Tag.SEQUENCE, 'subject').raw;
  const subjectPublicKeyInfo = tbs.read(Tag.SEQUENCE, 'subjectPublicKeyInfo').raw;
  tbs.optional(contextTag(1, false), 'issuerUniqueID');
  tbs.optional(contextTag(2, false), 'subjectUniqueID');
  let extensions: RawExtension[] = [];
  const extTlv = tbs.optional(contextTag(3, true), 'extensions');
  if (extTlv !== undefined) {
    if (version !== 3) tbs.fail('extensions', `only allowed in v3 certificates (this one is v${version})`);
    const wrapper = tbs.sub(extTlv.value, 'extensions');
    extensions = readExtensions(wrapper.enter(Tag.SEQUENCE, ''), fail);
    wrapper.expectEnd();
  }
  tbs.expectEnd();
  return {
    der,
    tbs: tbsTlv.raw,
    version,
    serialNumber,
    signatureAlgorithm,
    signatureParams,
    issuer,
    subject,
    notBefore,
    notAfter,
    subjectPublicKeyInfo,
    signature: sig.bytes,
    extensions,
    ext: decodeExtensions(extensions, fail, `${tbs.path}.extensions`),
  };
}

function readAlgorithm(r: DerReader, fail: Fail): { oid: string; params: 'absent' | 'null' | 'other' } {
  const oid = decodeOid(r.read(Tag.OID, 'algorithm').value, fail, `${r.path}.algorithm`);
  if (r.atEnd()) return { oid, params: 'absent' };
  const p = r.next('parameters');
  r.expectEnd();
  return { oid, params: p.tag === Tag.NULL && p.value.byteLength === 0 ? 'null' : 'other' };
}

const parsedCache = new WeakMap<Uint8Array, ParsedCertificate>();

/**
 * Like {@link parseCertificate}, cached per byte array: parsing the same `Uint8Array` again returns
 * the same object. The array must not be mutated after the first call.
 */
export function parseCertificateCached(der: Uint8Array, label?: string): ParsedCertificate {
  let parsed = parsedCache.get(der);
  if (parsed === undefined) {
    parsed = parseCertificate(der, label);
    parsedCache.set(der, parsed);
  }
  return parsed;
}

const KEY_CACHE_SIZE = 256;
const keyCache = new Map<string, KeyObject>();

/**
 * The certificate's public key as a `KeyObject`. Imports are cached by the key's bytes (at most
 * 256 keys, least recently used dropped), so signing keys seen again are not re-imported.
 */
export function certificatePublicKey(cert: ParsedCertificate): KeyObject {
  const spki = cert.subjectPublicKeyInfo;
  const cacheKey = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('base64');
  let key = keyCache.get(cacheKey);
  if (key !== undefined) {
    keyCache.delete(cacheKey);
  } else {
    key = importSpki(spki, (m) => {
      throw new X509SvidInvalidError(`x509svid: ${m}`);
    });
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!);
  }
  keyCache.set(cacheKey, key);
  return key;
}

/** The serial number as lower-case hex without a sign octet (`"7f3a…"`). */
export function serialNumberHex(cert: ParsedCertificate): string {
  const s = cert.serialNumber;
  const start = s.byteLength > 1 && s[0] === 0 ? 1 : 0;
  return Buffer.from(s.buffer, s.byteOffset + start, s.byteLength - start).toString('hex');
}

/** True when the certificate's issuer and subject names are the same bytes (RFC 5280 §6.1 "self-issued"). */
export function isSelfIssued(cert: ParsedCertificate): boolean {
  return bytesEqual(cert.issuer, cert.subject);
}
