/**
 * DER encoders of the certificate extensions this package writes (RFC 5280 §4.2). Each returns a
 * complete `Extension` element, ready to be placed in the extensions SEQUENCE.
 */
import { Oid } from '../../internal/der/oids.js';
import { Tag, contextTag } from '../../internal/der/tags.js';
import { boolean, ia5String, lengthOfLength, namedBitString, octetString, oid, sequence, smallInteger, tlv, writeHeader } from '../../internal/der/writer.js';

/** `Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }` */
export function extension(extnId: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(extnId), boolean(true), octetString(value)) : sequence(oid(extnId), octetString(value));
}

/** Basic constraints (§4.2.1.9). `cA` FALSE is the default, so a leaf's value is the empty SEQUENCE. */
export function basicConstraintsExtension(ca: boolean, pathLen?: number, critical = true): Uint8Array {
  if (pathLen !== undefined && !ca) throw new TypeError('pathLen is only allowed when cA is true');
  const parts = ca ? [boolean(true), ...(pathLen === undefined ? [] : [smallInteger(pathLen)])] : [];
  return extension(Oid.basicConstraints, critical, sequence(...parts));
}

/** Key usage (§4.2.1.3) from a bit mask (see `keyUsageMask`). */
export function keyUsageExtension(mask: number, critical = true): Uint8Array {
  return extension(Oid.keyUsage, critical, namedBitString(mask));
}

/** Extended key usage (§4.2.1.12) listing `purposes` (OIDs). */
export function extKeyUsageExtension(purposes: readonly string[], critical = false): Uint8Array {
  return extension(Oid.extKeyUsage, critical, sequence(...purposes.map(oid)));
}

/**
 * Subject alternative name (§4.2.1.6) with URIs then DNS names; callers validate the names, which
 * must be ASCII (SPIFFE IDs and validated DNS names are). Written into one buffer without
 * intermediate elements, as the minter calls it for every leaf.
 */
export function subjectAltNameExtension(names: { uris?: readonly string[]; dnsNames?: readonly string[] }, critical = false): Uint8Array {
  const uris = names.uris ?? NO_NAMES;
  const dnsNames = names.dnsNames ?? NO_NAMES;
  let namesLen = 0;
  for (const u of uris) namesLen += 1 + lengthOfLength(u.length) + u.length;
  for (const d of dnsNames) namesLen += 1 + lengthOfLength(d.length) + d.length;
  const seqLen = 1 + lengthOfLength(namesLen) + namesLen;
  const extLen = SAN_OID.byteLength + (critical ? TRUE.byteLength : 0) + 1 + lengthOfLength(seqLen) + seqLen;
  const out = new Uint8Array(1 + lengthOfLength(extLen) + extLen);
  let pos = writeHeader(out, 0, Tag.SEQUENCE, extLen);
  out.set(SAN_OID, pos);
  pos += SAN_OID.byteLength;
  if (critical) {
    out.set(TRUE, pos);
    pos += TRUE.byteLength;
  }
  pos = writeHeader(out, pos, Tag.OCTET_STRING, seqLen);
  pos = writeHeader(out, pos, Tag.SEQUENCE, namesLen);
  for (const u of uris) pos = writeAsciiName(out, pos, 6, u);
  for (const d of dnsNames) pos = writeAsciiName(out, pos, 2, d);
  return out;
}

const SAN_OID = oid(Oid.subjectAltName);
const TRUE = boolean(true);
const NO_NAMES: readonly string[] = [];

function writeAsciiName(out: Uint8Array, pos: number, form: number, text: string): number {
  pos = writeHeader(out, pos, contextTag(form, false), text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) throw new TypeError(`der: "${text}" is not ASCII`);
    out[pos++] = c;
  }
  return pos;
}

/** Subject key identifier (§4.2.1.2). */
export function subjectKeyIdExtension(keyId: Uint8Array): Uint8Array {
  return extension(Oid.subjectKeyIdentifier, false, octetString(keyId));
}

/** Authority key identifier (§4.2.1.1) with the keyIdentifier field only. */
export function authorityKeyIdExtension(keyId: Uint8Array): Uint8Array {
  return extension(Oid.authorityKeyIdentifier, false, sequence(tlv(contextTag(0, false), keyId)));
}

/**
 * Name constraints (§4.2.1.10, X509-SVID §4.2) over URI hosts and DNS names, critical as RFC 5280
 * requires. For SPIFFE, a permitted URI host `example.org` confines issued SPIFFE IDs to that trust domain.
 */
export function nameConstraintsExtension(c: {
  permittedUriHosts?: readonly string[];
  excludedUriHosts?: readonly string[];
  permittedDnsNames?: readonly string[];
  excludedDnsNames?: readonly string[];
}): Uint8Array {
  const subtrees = (uris: readonly string[] = [], dns: readonly string[] = []): Uint8Array[] => [
    ...uris.map((u) => sequence(implicitIa5(6, u))),
    ...dns.map((d) => sequence(implicitIa5(2, d))),
  ];
  const permitted = subtrees(c.permittedUriHosts, c.permittedDnsNames);
  const excluded = subtrees(c.excludedUriHosts, c.excludedDnsNames);
  if (permitted.length + excluded.length === 0) throw new TypeError('name constraints need at least one subtree');
  const parts: Uint8Array[] = [];
  if (permitted.length > 0) parts.push(tlv(contextTag(0, true), ...permitted));
  if (excluded.length > 0) parts.push(tlv(contextTag(1, true), ...excluded));
  return extension(Oid.nameConstraints, true, sequence(...parts));
}

function implicitIa5(form: number, text: string): Uint8Array {
  const ia5 = ia5String(text);
  ia5[0] = contextTag(form, false);
  return ia5;
}
