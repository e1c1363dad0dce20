/**
 * Free-form certificate building for tests: every field and extension can be set, left out or made
 * wrong on purpose, so fixtures with one named defect (a CA:true leaf, two URI SANs, a missing
 * keyCertSign…) are one object literal away.
 */
import type { KeyObject } from 'node:crypto';
import { exportSpki, inspectSpki, keyIdentifier } from '../internal/keys.js';
import { buildCertificate, floorToSecond, randomSerial } from '../svid/x509/cert-builder.js';
import {
  authorityKeyIdExtension,
  basicConstraintsExtension,
  extension,
  extKeyUsageExtension,
  keyUsageExtension,
  subjectAltNameExtension,
  subjectKeyIdExtension,
} from '../svid/x509/encode-extensions.js';
import { keyUsageMask, type KeyUsageName } from '../svid/x509/key-usage.js';
import { EMPTY_NAME, encodeName, type DistinguishedName } from '../svid/x509/name.js';
import { bytesEqual } from '../internal/pem.js';
import type { TestKeyType } from './keys.js';

/** An extension given as raw parts, for unknown or malformed extensions. */
export interface RawTestExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue contents (DER of the extension's value). */
  readonly value: Uint8Array;
}

/**
 * Everything about a test certificate. Unset fields take the defaults of the kind being issued
 * (a valid leaf for `TestCa.issueCertificate`, a valid CA for `TestCa.childCa`); `null` removes an
 * extension altogether.
 */
export interface TestCertificateSpec {
  /** Key type of the generated subject key (default EC P-256). Ignored when `publicKey` is set. */
  readonly keyType?: TestKeyType;
  /** Use this public key instead of generating one (the result then has no private key). */
  readonly publicKey?: KeyObject;
  readonly subject?: DistinguishedName;
  /** URI SANs, written as given (they need not be valid SPIFFE IDs). */
  readonly uris?: readonly string[];
  readonly dnsNames?: readonly string[];
  /** Whether the SAN extension is critical (default: only when the subject is empty). */
  readonly sanCritical?: boolean;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly serialNumber?: Uint8Array;
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLen?: number; readonly critical?: boolean } | null;
  readonly keyUsage?: readonly KeyUsageName[] | null;
  /** Default true. */
  readonly keyUsageCritical?: boolean;
  /** Extended key usage OIDs (default: none for CAs; serverAuth and clientAuth for leaves). */
  readonly extKeyUsage?: readonly string[] | null;
  /** Leave out the subject and authority key identifiers. */
  readonly omitKeyIdentifiers?: boolean;
  /** Added after the standard extensions. */
  readonly extraExtensions?: readonly RawTestExtension[];
}

/** Who signs a test certificate. */
export interface TestSigner {
  readonly subject: Uint8Array;
  readonly keyId: Uint8Array;
  readonly privateKey: KeyObject;
}

/** Fully resolved defaults for one kind of certificate. */
export interface SpecDefaults {
  readonly uris: readonly string[];
  readonly basicConstraints: { ca: boolean; pathLen?: number };
  readonly keyUsage: readonly KeyUsageName[];
  readonly extKeyUsage: readonly string[] | null;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Builds the certificate described by `spec` over `defaults`, for `publicKey`, signed by `signer` (or self-signed). */
export function buildSpecCertificate(
  spec: TestCertificateSpec,
  defaults: SpecDefaults,
  publicKey: KeyObject,
  signer: TestSigner | { readonly self: KeyObject },
): Uint8Array {
  const spki = exportSpki(publicKey);
  const keyId = keyIdentifier(
    inspectSpki(spki, (m) => {
      throw new TypeError(m);
    }).keyBits,
  );
  const subject = encodeName(spec.subject ?? defaults.subject);
  const extensions: Uint8Array[] = [];
  const bc = spec.basicConstraints === undefined ? { ...defaults.basicConstraints, critical: true } : spec.basicConstraints;
  if (bc !== null) extensions.push(basicConstraintsExtension(bc.ca, bc.pathLen, bc.critical ?? true));
  const ku = spec.keyUsage === undefined ? defaults.keyUsage : spec.keyUsage;
  if (ku !== null) extensions.push(keyUsageExtension(keyUsageMask(ku), spec.keyUsageCritical ?? true));
  const eku = spec.extKeyUsage === undefined ? defaults.extKeyUsage : spec.extKeyUsage;
  if (eku !== null) extensions.push(extKeyUsageExtension(eku));
  const selfSigned = 'self' in signer;
  if (!spec.omitKeyIdentifiers) {
    extensions.push(subjectKeyIdExtension(keyId), authorityKeyIdExtension(selfSigned ? keyId : signer.keyId));
  }
  const uris = spec.uris ?? defaults.uris;
  const dnsNames = spec.dnsNames ?? [];
  if (uris.length + dnsNames.length > 0) {
    extensions.push(subjectAltNameExtension({ uris, dnsNames }, spec.sanCritical ?? bytesEqual(subject, EMPTY_NAME)));
  }
  for (const e of spec.extraExtensions ?? []) extensions.push(extension(e.oid, e.critical, e.value));
  return buildCertificate(
    {
      serialNumber: spec.serialNumber ?? randomSerial(),
      issuer: selfSigned ? subject : signer.subject,
      subject,
      notBefore: floorToSecond(spec.notBefore ?? defaults.notBefore),
      notAfter: floorToSecond(spec.notAfter ?? defaults.notAfter),
      subjectPublicKeyInfo: spki,
      extensions,
    },
    selfSigned ? signer.self : signer.privateKey,
  );
}
