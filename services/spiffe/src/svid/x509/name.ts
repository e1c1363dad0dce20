/**
 * Distinguished names (RFC 5280 §4.1.2.4): the small subset this package writes, and a formatter
 * for error messages and display.
 */
import { X509SvidInvalidError } from '../../errors.js';
import { Oid } from '../../internal/der/oids.js';
import { DerReader, decodeAscii, decodeOid, type Fail } from '../../internal/der/reader.js';
import { Tag } from '../../internal/der/tags.js';
import { oid, printableString, sequence, setOf, utf8String } from '../../internal/der/writer.js';

/**
 * The attributes of a subject or issuer name this package can write. Each is optional; an empty
 * object is the empty name. Encoded in the order C, O, OU, CN, serialNumber, one attribute per RDN.
 */
export interface DistinguishedName {
  /** Two-letter country code (PrintableString). */
  readonly country?: string;
  /** Organization (UTF8String, at most 64 characters). */
  readonly organization?: string;
  /** Organizational unit (UTF8String, at most 64 characters). */
  readonly organizationalUnit?: string;
  /** Common name (UTF8String, at most 64 characters). Do not put SPIFFE IDs here; they go in the URI SAN. */
  readonly commonName?: string;
  /** The X.520 serialNumber attribute (PrintableString, at most 64 characters). Not the certificate serial. */
  readonly serialNumber?: string;
}

/** The DER encoding of the empty Name. */
export const EMPTY_NAME: Uint8Array = sequence();

const ATTRIBUTES = [
  ['country', Oid.countryName, 'printable', 2],
  ['organization', Oid.organizationName, 'utf8', 64],
  ['organizationalUnit', Oid.organizationalUnitName, 'utf8', 64],
  ['commonName', Oid.commonName, 'utf8', 64],
  ['serialNumber', Oid.serialNumber, 'printable', 64],
] as const;

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]+$/;

/**
 * Encodes `dn` as a DER Name. Throws {@link X509SvidInvalidError} naming the attribute when a value
 * is empty, too long, or (for PrintableString attributes) uses characters outside that set.
 */
export function encodeName(dn: DistinguishedName): Uint8Array {
  if (dn === null || typeof dn !== 'object') throw new TypeError('subject must be a DistinguishedName object');
  const rdns: Uint8Array[] = [];
  for (const [field, attrOid, kind, max] of ATTRIBUTES) {
    const v = dn[field];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new TypeError(`subject.${field} must be a string`);
    if (v.length === 0 || v.length > max) {
      throw new X509SvidInvalidError(`x509svid: subject.${field} must be 1 to ${max} characters (got ${v.length})`);
    }
    if (field === 'country' && !/^[A-Z]{2}$/.test(v)) {
      throw new X509SvidInvalidError(`x509svid: subject.country must be a two-letter upper-case code (got "${v}")`);
    }
    if (kind === 'printable' && !PRINTABLE.test(v)) {
      throw new X509SvidInvalidError(`x509svid: subject.${field} may only use PrintableString characters (got "${v}")`);
    }
    const value = kind === 'printable' ? printableString(v) : utf8String(v);
    rdns.push(setOf(sequence(oid(attrOid), value)));
  }
  return sequence(...rdns);
}

const SHORT_NAMES: ReadonlyMap<string, string> = new Map([
  [Oid.countryName, 'C'],
  [Oid.organizationName, 'O'],
  [Oid.organizationalUnitName, 'OU'],
  [Oid.commonName, 'CN'],
  [Oid.serialNumber, 'serialNumber'],
  [Oid.x500UniqueIdentifier, 'x500UniqueIdentifier'],
]);

/**
 * Formats a DER Name as text for messages, most significant RDN first: `C=US, O=SPIFFE, CN=ca`.
 * Unknown attributes print as `oid=#hex`. Returns `<empty>` for the empty name and `<malformed>`
 * when the bytes do not parse (formatting never throws).
 */
export function formatName(der: Uint8Array): string {
  const fail: Fail = (m) => {
    throw new Error(m);
  };
  try {
    const r = new DerReader(der, fail, 'name').enter(Tag.SEQUENCE, '');
    const parts: string[] = [];
    while (!r.atEnd()) {
      const rdn = r.enter(Tag.SET, 'rdn');
      while (!rdn.atEnd()) {
        const atv = rdn.enter(Tag.SEQUENCE, 'atv');
        const type = decodeOid(atv.read(Tag.OID, 'type').value, fail, 'type');
        const value = atv.next('value');
        const text =
          value.tag === Tag.UTF8_STRING
            ? Buffer.from(value.value).toString('utf8')
            : value.tag === Tag.PRINTABLE_STRING || value.tag === Tag.IA5_STRING
              ? decodeAscii(value.value, fail, 'value')
              : `#${Buffer.from(value.raw).toString('hex')}`;
        parts.push(`${SHORT_NAMES.get(type) ?? type}=${text}`);
      }
    }
    return parts.length === 0 ? '<empty>' : parts.join(', ');
  } catch {
    return '<malformed>';
  }
}
