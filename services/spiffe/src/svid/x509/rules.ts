/**
 * The SPIFFE-specific rules of X509-SVID §2–§5 for leaf and signing certificates, shared by
 * {@link X509Svid} parsing and {@link verifyX509Svid}. Each rule's message cites its section.
 */
import { SpiffeIdInvalidError, X509SvidInvalidError } from '../../errors.js';
import { SpiffeId } from '../../id/spiffe-id.js';
import { Oid } from '../../internal/der/oids.js';
import type { ParsedCertificate } from './certificate.js';
import { hasKeyUsage } from './key-usage.js';
import { EMPTY_NAME } from './name.js';
import { bytesEqual } from '../../internal/pem.js';

/**
 * Checks that `cert` is a valid X.509-SVID leaf and returns its SPIFFE ID. Throws
 * {@link X509SvidInvalidError} naming the rule broken:
 * exactly one URI SAN holding a SPIFFE ID with a non-root path (§2, §3.1, §5.2); a critical URI SAN
 * when the subject is empty (§3.1); cA false (§4.1, §5.2); a critical key usage with
 * digitalSignature and without keyCertSign or cRLSign (§4.3, §5.2); serverAuth and clientAuth in
 * the extended key usage when it is present (§4.4).
 */
export function validateLeaf(cert: ParsedCertificate, label = 'leaf certificate'): SpiffeId {
  const fail: (m: string) => never = (m) => {
    throw new X509SvidInvalidError(`x509svid: ${label} ${m}`);
  };
  const { ext } = cert;
  const uris = ext.subjectAltName?.uris ?? [];
  if (uris.length === 0) fail('has no URI SAN; an X.509-SVID must have exactly one, holding its SPIFFE ID (X509-SVID §2)');
  if (uris.length > 1) fail(`has ${uris.length} URI SANs; an X.509-SVID must have exactly one (X509-SVID §2, §5.2)`);
  const uri = uris[0]!;
  let id: SpiffeId;
  try {
    id = SpiffeId.parse(uri);
  } catch (err) {
    if (!(err instanceof SpiffeIdInvalidError)) throw err;
    return fail(`has URI SAN "${uri}", which is not a valid SPIFFE ID: ${err.message} (X509-SVID §2, §5.2)`);
  }
  if (id.isTrustDomainId()) fail(`has SPIFFE ID "${uri}" without a path; leaf SPIFFE IDs must have a non-root path (X509-SVID §3.1, §5.2)`);
  if (bytesEqual(cert.subject, EMPTY_NAME) && !ext.subjectAltName!.critical) {
    fail('has an empty subject, so its URI SAN extension must be critical (X509-SVID §3.1, RFC 5280 §4.1.2.6)');
  }
  if (ext.basicConstraints?.ca === true) {
    fail('has cA=true; leaf certificates must set cA to false and must not be used as signing certificates (X509-SVID §4.1, §5.2)');
  }
  const ku = ext.keyUsage;
  if (ku === undefined) fail('has no key usage extension; it must be set on all SVIDs (X509-SVID §4.3)');
  if (!ku.critical) fail('has a key usage extension that is not critical; it must be marked critical (X509-SVID §4.3)');
  if (!hasKeyUsage(ku.mask, 'digitalSignature')) fail('lacks the digitalSignature key usage (X509-SVID §4.3)');
  if (hasKeyUsage(ku.mask, 'keyCertSign')) fail('has the keyCertSign key usage, which leaf SVIDs must not set (X509-SVID §4.3, §5.2)');
  if (hasKeyUsage(ku.mask, 'cRLSign')) fail('has the cRLSign key usage, which leaf SVIDs must not set (X509-SVID §4.3, §5.2)');
  const eku = ext.extKeyUsage;
  if (eku !== undefined) {
    for (const [purpose, name] of [[Oid.serverAuth, 'id-kp-serverAuth'], [Oid.clientAuth, 'id-kp-clientAuth']] as const) {
      if (!eku.oids.includes(purpose)) {
        fail(`has an extended key usage without ${name}; when present it must include serverAuth and clientAuth (X509-SVID §4.4)`);
      }
    }
  }
  return id;
}

/**
 * Why `cert` cannot act as an X.509-SVID signing certificate, or `undefined` when it can: it must
 * have cA=true (§4.1) and the keyCertSign key usage (§3.2, §4.3), and a SPIFFE ID in its URI SAN,
 * if any, must have no path (§3.2).
 */
export function signingCertificateProblem(cert: ParsedCertificate): string | undefined {
  const { ext } = cert;
  if (ext.basicConstraints?.ca !== true) {
    return ext.basicConstraints === undefined
      ? 'has no basic constraints; signing certificates must set cA to true (X509-SVID §4.1)'
      : 'has cA=false; signing certificates must set cA to true (X509-SVID §4.1)';
  }
  if (ext.keyUsage === undefined) return 'has no key usage extension; signing certificates must set keyCertSign (X509-SVID §4.3)';
  if (!hasKeyUsage(ext.keyUsage.mask, 'keyCertSign')) {
    return 'lacks the keyCertSign key usage, which signing certificates must set (X509-SVID §3.2, §4.3)';
  }
  for (const uri of ext.subjectAltName?.uris ?? []) {
    if (!uri.toLowerCase().startsWith('spiffe:')) continue;
    const id = SpiffeId.tryParse(uri);
    if (id === undefined) return `has URI SAN "${uri}", which is not a valid SPIFFE ID (X509-SVID §3.2)`;
    if (!id.isTrustDomainId()) return `has SPIFFE ID "${uri}" with a path; a signing certificate's SPIFFE ID must not have one (X509-SVID §3.2)`;
  }
  return undefined;
}

/** Throws {@link X509SvidInvalidError} when {@link signingCertificateProblem} finds one. */
export function validateSigningCertificate(cert: ParsedCertificate, label: string): void {
  const problem = signingCertificateProblem(cert);
  if (problem !== undefined) throw new X509SvidInvalidError(`x509svid: ${label} ${problem}`);
}
