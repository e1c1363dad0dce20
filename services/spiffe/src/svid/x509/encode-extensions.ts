/**
 * DER encoders of the certificate extensions this package writes (RFC 5280 §4.2). Each returns a
 * complete `Extension` element, ready to be placed in the extensions SEQUENCE.
 */
import { Oid } from '../../internal/der/oids.js';
import { contextTag } from '../../internal/der/tags.js';
import { boolean, ia5String, namedBitString, octetString, oid, sequence, smallInteger, tlv } from '../../internal/der/writer.js';

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

/** Subject alternative name (§4.2.1.6) with URIs then DNS names; callers validate the names. */
export function subjectAltNameExtension(names: { uris?: readonly string[]; dnsNames?: readonly string[] }, critical = false): Uint8Array {
  const gn = [
    ...(names.uris ?? []).map((u) => implicitIa5(6, u)),
    ...(names.dnsNames ?? []).map((d) => implicitIa5(2, d)),
  ];
  return extension(Oid.subjectAltName, critical, sequence(...gn));
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
