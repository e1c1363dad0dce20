/**
 * The facts x509pop turns into selectors, read from a certificate's DER: the subject common
 * name, the DNS SANs, the serial number and a fingerprint.
 * @module
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { children, contentsEqual, decodeString, readTlv, type Tlv } from '../../internal/der.js';

/** Hash used for certificate fingerprints in agent IDs and selectors. */
export type FingerprintAlgorithm = 'sha1' | 'sha256';

const OID_COMMON_NAME = Uint8Array.of(0x55, 0x04, 0x03); // 2.5.4.3
const OID_SUBJECT_ALT_NAME = Uint8Array.of(0x55, 0x1d, 0x11); // 2.5.29.17
const TAG_SEQUENCE = 0x30;
const TAG_SET = 0x31;
const TAG_OID = 0x06;
const TAG_BOOLEAN = 0x01;
const TAG_OCTET_STRING = 0x04;
const TAG_EXTENSIONS = 0xa3; // [3] EXPLICIT
const TAG_DNS_NAME = 0x82; // [2] IMPLICIT IA5String

/** Lower-case hex digest of the certificate's DER. */
export function fingerprint(cert: X509Certificate, algorithm: FingerprintAlgorithm): string {
  return createHash(algorithm).update(cert.raw).digest('hex');
}

/** The serial number as lower-case hex, without leading zero bytes (at least two digits). */
export function serialHex(cert: X509Certificate): string {
  const hex = cert.serialNumber.toLowerCase().replace(/^(00)+(?=..)/, '');
  return hex.length % 2 === 1 ? `0${hex}` : hex;
}

/** Subject common name and DNS SANs, from the certificate's DER. */
export interface CertificateNames {
  /** The last CN attribute of the subject (the most specific), if any. */
  readonly commonName: string | undefined;
  /** DNS names of the subject alternative name extension, in order. */
  readonly dnsNames: readonly string[];
}

/** Reads the subject CN and DNS SANs. Throws a `RangeError` for malformed DER. */
export function certificateNames(cert: X509Certificate): CertificateNames {
  const der = new Uint8Array(cert.raw);
  const certificate = readTlv(der, 0);
  const tbs = children(der, certificate)[0];
  if (tbs === undefined || tbs.tag !== TAG_SEQUENCE) throw new RangeError('DER: missing TBSCertificate');
  const fields = children(der, tbs);
  // version [0] is optional; with it, subject is the 6th field, without it the 5th.
  const base = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[base + 4];
  if (subject === undefined || subject.tag !== TAG_SEQUENCE) throw new RangeError('DER: missing subject');
  const extensions = fields.find((f) => f.tag === TAG_EXTENSIONS);
  return { commonName: lastCommonName(der, subject), dnsNames: extensions === undefined ? [] : sanDnsNames(der, extensions) };
}

function lastCommonName(der: Uint8Array, subject: Tlv): string | undefined {
  let cn: string | undefined;
  for (const rdn of children(der, subject)) {
    if (rdn.tag !== TAG_SET) continue;
    for (const atv of children(der, rdn)) {
      const [type, value] = children(der, atv);
      if (type?.tag === TAG_OID && value !== undefined && contentsEqual(der, type, OID_COMMON_NAME)) {
        cn = decodeString(der, value) ?? cn;
      }
    }
  }
  return cn;
}

function sanDnsNames(der: Uint8Array, explicit: Tlv): string[] {
  const [list] = children(der, explicit);
  if (list === undefined) return [];
  for (const ext of children(der, list)) {
    const parts = children(der, ext);
    const oid = parts[0];
    if (oid?.tag !== TAG_OID || !contentsEqual(der, oid, OID_SUBJECT_ALT_NAME)) continue;
    const value = parts[1]?.tag === TAG_BOOLEAN ? parts[2] : parts[1];
    if (value?.tag !== TAG_OCTET_STRING) throw new RangeError('DER: malformed subjectAltName');
    const names = readTlv(der, value.contentStart, value.end);
    return children(der, names)
      .filter((name) => name.tag === TAG_DNS_NAME)
      .map((name) => Buffer.from(der.subarray(name.contentStart, name.end)).toString('latin1'));
  }
  return [];
}
