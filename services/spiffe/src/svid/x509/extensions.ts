/**
 * Decoding of the certificate extensions X.509-SVID rules depend on (RFC 5280 §4.2): basic
 * constraints, key usage, extended key usage, subject alternative name, key identifiers and name
 * constraints. Node's `X509Certificate` is not used for these: its `ca` is wrong when keyCertSign
 * is absent and its `keyUsage` is really the extended key usage.
 */
import { Oid } from '../../internal/der/oids.js';
import { DerReader, decodeBitString, decodeBoolean, decodeOid, decodeSmallUint, type Fail } from '../../internal/der/reader.js';
import { Tag, contextTag } from '../../internal/der/tags.js';
import { decodeGeneralNames } from './general-names.js';
import { decodeNameConstraints, type NameConstraints } from './name-constraints.js';

/** One extension as it appears in the certificate. */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** The extensions this package understands, decoded. Absent extensions are `undefined`. */
export interface DecodedExtensions {
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLen?: number; readonly critical: boolean };
  /** KeyUsage as a mask of bits (see `KEY_USAGE_BITS`). */
  readonly keyUsage?: { readonly mask: number; readonly critical: boolean };
  readonly extKeyUsage?: { readonly oids: readonly string[]; readonly critical: boolean };
  readonly subjectAltName?: {
    readonly uris: readonly string[];
    readonly dnsNames: readonly string[];
    readonly otherForms: readonly number[];
    readonly critical: boolean;
  };
  readonly subjectKeyId?: Uint8Array;
  readonly authorityKeyId?: Uint8Array;
  readonly nameConstraints?: NameConstraints;
  /** OIDs of critical extensions this package does not process (RFC 5280 §4.2: such certificates must be rejected). */
  readonly unknownCritical: readonly string[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const KNOWN = new Set<string>([
  Oid.basicConstraints,
  Oid.keyUsage,
  Oid.extKeyUsage,
  Oid.subjectAltName,
  Oid.subjectKeyIdentifier,
  Oid.authorityKeyIdentifier,
  Oid.nameConstraints,
]);

const NAMES: Record<string, string> = {
  [Oid.basicConstraints]: 'basicConstraints',
  [Oid.keyUsage]: 'keyUsage',
  [Oid.extKeyUsage]: 'extKeyUsage',
  [Oid.subjectAltName]: 'subjectAltName',
  [Oid.subjectKeyIdentifier]: 'subjectKeyIdentifier',
  [Oid.authorityKeyIdentifier]: 'authorityKeyIdentifier',
  [Oid.nameConstraints]: 'nameConstraints',
};

/** Reads `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` from the reader of its contents. */
export function readExtensions(r: DerReader, fail: Fail): RawExtension[] {
  const out: RawExtension[] = [];
  if (r.atEnd()) r.fail('', 'must hold at least one extension');
  while (!r.atEnd()) {
    const ext = r.enter(Tag.SEQUENCE, `extension ${out.length}`);
    const oid = decodeOid(ext.read(Tag.OID, 'extnID').value, fail, `${ext.path}.extnID`);
    const crit = ext.optional(Tag.BOOLEAN, 'critical');
    const critical = crit === undefined ? false : decodeBoolean(crit.value, fail, `${ext.path}.critical`);
    const value = ext.read(Tag.OCTET_STRING, 'extnValue').value;
    ext.expectEnd();
    if (out.some((e) => e.oid === oid)) r.fail('', `extension ${NAMES[oid] ?? oid} appears more than once (RFC 5280 §4.2)`);
    out.push({ oid, critical, value });
  }
  return out;
}

/** Decodes the known extensions of `exts`; malformed values go to `fail` with the extension's name. */
export function decodeExtensions(exts: readonly RawExtension[], fail: Fail, path: string): DecodedExtensions {
  const d: Mutable<DecodedExtensions> = { unknownCritical: [] };
  const unknownCritical: string[] = [];
  for (const ext of exts) {
    if (!KNOWN.has(ext.oid)) {
      if (ext.critical) unknownCritical.push(ext.oid);
      continue;
    }
    const where = `${path}.${NAMES[ext.oid]}`;
    const outer = new DerReader(ext.value, fail, where);
    switch (ext.oid) {
      case Oid.basicConstraints: {
        const r = outer.enter(Tag.SEQUENCE, '');
        const caTlv = r.optional(Tag.BOOLEAN, 'cA');
        const ca = caTlv === undefined ? false : decodeBoolean(caTlv.value, fail, `${where}.cA`);
        const plTlv = r.optional(Tag.INTEGER, 'pathLenConstraint');
        r.expectEnd();
        const pathLen = plTlv === undefined ? undefined : decodeSmallUint(plTlv.value, fail, `${where}.pathLenConstraint`);
        d.basicConstraints = pathLen === undefined ? { ca, critical: ext.critical } : { ca, pathLen, critical: ext.critical };
        break;
      }
      case Oid.keyUsage: {
        const { bytes } = decodeBitString(outer.read(Tag.BIT_STRING, '').value, fail, where);
        let mask = 0;
        for (let i = 0; i < Math.min(bytes.byteLength * 8, 9); i++) if (bytes[i >> 3]! & (0x80 >> (i & 7))) mask |= 1 << i;
        if (mask === 0) outer.fail('', 'must have at least one bit set (RFC 5280 §4.2.1.3)');
        d.keyUsage = { mask, critical: ext.critical };
        break;
      }
      case Oid.extKeyUsage: {
        const r = outer.enter(Tag.SEQUENCE, '');
        const oids: string[] = [];
        if (r.atEnd()) r.fail('', 'must hold at least one purpose');
        while (!r.atEnd()) oids.push(decodeOid(r.read(Tag.OID, 'purpose').value, fail, `${where}.purpose`));
        d.extKeyUsage = { oids, critical: ext.critical };
        break;
      }
      case Oid.subjectAltName: {
        const names = decodeGeneralNames(outer.enter(Tag.SEQUENCE, ''), fail);
        d.subjectAltName = { ...names, critical: ext.critical };
        break;
      }
      case Oid.subjectKeyIdentifier:
        d.subjectKeyId = outer.read(Tag.OCTET_STRING, '').value;
        break;
      case Oid.authorityKeyIdentifier: {
        const r = outer.enter(Tag.SEQUENCE, '');
        const kid = r.optional(contextTag(0, false), 'keyIdentifier');
        if (kid !== undefined) d.authorityKeyId = kid.value;
        break;
      }
      case Oid.nameConstraints:
        d.nameConstraints = decodeNameConstraints(ext.value, fail, where);
        break;
    }
    if (ext.oid !== Oid.nameConstraints) outer.expectEnd();
  }
  d.unknownCritical = unknownCritical;
  return d;
}

/** A readable name for an extension OID (`keyUsage`), or the OID itself. */
export function extensionName(oid: string): string {
  return NAMES[oid] ?? oid;
}
