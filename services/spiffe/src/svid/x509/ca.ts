/**
 * Minting of X.509-SVID signing (CA) certificates: self-signed roots and intermediates signed by a
 * parent CA (X509-SVID §3.2, §4.1, §4.3).
 */
import type { KeyObject } from 'node:crypto';
import { KeyInvalidError, X509SvidInvalidError } from '../../errors.js';
import type { TrustDomain } from '../../id/trust-domain.js';
import { exportSpki, inspectSpki, keyIdentifier, keyKindOf, privateKeyMatchesSpki } from '../../internal/keys.js';
import { buildCertificate, floorToSecond, randomSerial } from './cert-builder.js';
import { parseCertificate } from './certificate.js';
import {
  authorityKeyIdExtension,
  basicConstraintsExtension,
  keyUsageExtension,
  nameConstraintsExtension,
  subjectAltNameExtension,
  subjectKeyIdExtension,
} from './encode-extensions.js';
import { keyUsageMask } from './key-usage.js';
import { EMPTY_NAME, encodeName, type DistinguishedName } from './name.js';
import { signingCertificateProblem } from './rules.js';
import { bytesEqual } from '../../internal/pem.js';
import { checkDuration, checkNow, spkiOf } from './params.js';

/** Parameters common to root and intermediate CA certificates. */
export interface X509CaParams {
  /** The trust domain; its SPIFFE ID (`spiffe://td`, no path) becomes the URI SAN (X509-SVID §3.2). */
  readonly trustDomain: TrustDomain;
  /** Subject name. Default: `O=SPIFFE, CN=<trust domain>` (CN omitted beyond 64 characters), `serialNumber=<serial hex>`. */
  readonly subject?: DistinguishedName;
  /** Lifetime in seconds from `now` (default 86400). An intermediate never outlives its parent. */
  readonly ttlSeconds?: number;
  /** Issuance time (default: the current time). */
  readonly now?: Date;
  /** notBefore is `now` minus this many seconds, for clock skew (default 10). */
  readonly backdateSeconds?: number;
  /** The basic constraints pathLenConstraint (X509-SVID §4.1 allows it); absent by default. */
  readonly pathLen?: number;
  /** Certificate serial number magnitude (1–20 octets, positive). Default: 126 random bits. */
  readonly serialNumber?: Uint8Array;
  /**
   * Optional critical name constraints (X509-SVID §4.2): SPIFFE IDs below this CA must be in one of
   * `trustDomains`, DNS SANs under one of `dnsNames`. Many TLS libraries reject URI name constraints.
   */
  readonly nameConstraints?: { readonly trustDomains?: readonly TrustDomain[]; readonly dnsNames?: readonly string[] };
}

/** Parameters of {@link createSelfSignedCa}. */
export interface SelfSignedCaParams extends X509CaParams {
  /** The CA's private key; it signs its own certificate. */
  readonly privateKey: KeyObject;
}

/** Parameters of {@link createIntermediateCa}. */
export interface IntermediateCaParams extends X509CaParams {
  /** The new CA's public key (a `KeyObject`, or DER SubjectPublicKeyInfo). */
  readonly publicKey: KeyObject | Uint8Array;
  /** The parent CA certificate (DER); must be a signing certificate. */
  readonly parentCertificate: Uint8Array;
  /** The parent CA's private key, matching `parentCertificate`. */
  readonly parentPrivateKey: KeyObject;
}

/**
 * Mints a self-signed root CA certificate: cA=true (critical, optional pathLen), key usage
 * keyCertSign + cRLSign (critical), the trust domain's SPIFFE ID as URI SAN, SKI and AKI.
 * Returns the DER certificate.
 *
 * @example
 * ```ts
 * const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
 * const root = createSelfSignedCa({ trustDomain: TrustDomain.parse('example.org'), privateKey, ttlSeconds: 7 * 86400 });
 * ```
 */
export function createSelfSignedCa(params: SelfSignedCaParams): Uint8Array {
  const spki = exportSpki(params.privateKey);
  keyKindOf(params.privateKey);
  const keyId = keyIdentifier(inspectSpki(spki, keyFail).keyBits);
  return issueCa(params, { spki, keyId, issuer: undefined, issuerKeyId: keyId, signer: params.privateKey, maxNotAfter: undefined });
}

/**
 * Mints an intermediate CA certificate signed by `parentCertificate`/`parentPrivateKey`, with the
 * same extensions as {@link createSelfSignedCa}. notAfter is capped at the parent's notAfter.
 * Throws {@link X509SvidInvalidError} when the parent is not a signing certificate, its pathLen
 * forbids another CA below it, or it has expired at `now`; {@link KeyInvalidError} when the parent
 * key does not match the parent certificate.
 */
export function createIntermediateCa(params: IntermediateCaParams): Uint8Array {
  const parent = parseCertificate(params.parentCertificate, 'parent certificate');
  const problem = signingCertificateProblem(parent);
  if (problem !== undefined) throw new X509SvidInvalidError(`x509svid: the parent certificate ${problem}`);
  if (parent.ext.basicConstraints?.pathLen === 0) {
    throw new X509SvidInvalidError('x509svid: the parent certificate has pathLenConstraint 0, so no CA certificate may be issued below it');
  }
  keyKindOf(params.parentPrivateKey);
  if (!privateKeyMatchesSpki(params.parentPrivateKey, parent.subjectPublicKeyInfo)) {
    throw new KeyInvalidError('x509svid: parentPrivateKey does not match the public key of parentCertificate');
  }
  const spki = spkiOf(params.publicKey, 'publicKey');
  const info = inspectSpki(spki, keyFail, 'publicKey');
  if (info.kind === 'unsupported') throw new KeyInvalidError(`x509svid: publicKey is ${info.description}, which is not supported`);
  const parentKeyId = parent.ext.subjectKeyId ?? keyIdentifier(inspectSpki(parent.subjectPublicKeyInfo, keyFail).keyBits);
  return issueCa(params, {
    spki,
    keyId: keyIdentifier(info.keyBits),
    issuer: parent.subject,
    issuerKeyId: parentKeyId,
    signer: params.parentPrivateKey,
    maxNotAfter: parent.notAfter,
  });
}

interface Signing {
  readonly spki: Uint8Array;
  readonly keyId: Uint8Array;
  /** Issuer name; `undefined` for self-signed (the subject). */
  readonly issuer: Uint8Array | undefined;
  readonly issuerKeyId: Uint8Array;
  readonly signer: KeyObject;
  readonly maxNotAfter: Date | undefined;
}

function issueCa(p: X509CaParams, s: Signing): Uint8Array {
  if (p.trustDomain == null || typeof p.trustDomain.idString !== 'function') throw new TypeError('trustDomain must be a TrustDomain');
  const now = checkNow(p.now);
  const ttl = checkDuration(p.ttlSeconds ?? 86400, 'ttlSeconds', 1);
  const backdate = checkDuration(p.backdateSeconds ?? 10, 'backdateSeconds', 0);
  if (p.pathLen !== undefined && (!Number.isInteger(p.pathLen) || p.pathLen < 0 || p.pathLen > 255)) {
    throw new TypeError('pathLen must be an integer from 0 to 255');
  }
  const serial = p.serialNumber ?? randomSerial();
  const notBefore = floorToSecond(new Date(now.getTime() - backdate * 1000));
  let notAfter = floorToSecond(new Date(now.getTime() + ttl * 1000));
  if (s.maxNotAfter !== undefined && notAfter > s.maxNotAfter) notAfter = s.maxNotAfter;
  if (notAfter <= notBefore || notAfter.getTime() < now.getTime()) {
    throw new X509SvidInvalidError(`x509svid: the parent certificate expired at ${s.maxNotAfter?.toISOString()}; cannot issue below it`);
  }
  const tdName = p.trustDomain.name;
  const subject = encodeName(
    p.subject ?? {
      organization: 'SPIFFE',
      ...(tdName.length <= 64 ? { commonName: tdName } : {}),
      serialNumber: Buffer.from(serial).toString('hex'),
    },
  );
  if (s.issuer !== undefined && bytesEqual(subject, s.issuer)) {
    throw new X509SvidInvalidError('x509svid: an intermediate CA must not have the same subject as its parent');
  }
  const nc = p.nameConstraints;
  const extensions = [
    basicConstraintsExtension(true, p.pathLen),
    keyUsageExtension(keyUsageMask(['keyCertSign', 'cRLSign'])),
    subjectKeyIdExtension(s.keyId),
    authorityKeyIdExtension(s.issuerKeyId),
    subjectAltNameExtension({ uris: [p.trustDomain.idString()] }, bytesEqual(subject, EMPTY_NAME)),
  ];
  if (nc !== undefined) {
    extensions.push(
      nameConstraintsExtension({ permittedUriHosts: (nc.trustDomains ?? []).map((td) => td.name), permittedDnsNames: nc.dnsNames ?? [] }),
    );
  }
  return buildCertificate(
    { serialNumber: serial, issuer: s.issuer ?? subject, subject, notBefore, notAfter, subjectPublicKeyInfo: s.spki, extensions },
    s.signer,
  );
}

function keyFail(m: string): never {
  throw new KeyInvalidError(`x509svid: ${m}`);
}
