/**
 * Certification path building and validation (RFC 5280 §6, as X509-SVID §5.1 requires): from a
 * leaf, through presented intermediates, to a trust anchor of the bundle. Every link is checked:
 * issuer name (and key identifiers), signature, validity at `now`, signing-certificate rules,
 * path length, unknown critical extensions and name constraints.
 */
import { verify as cryptoVerify } from 'node:crypto';
import { bytesEqual } from '../../internal/pem.js';
import { verifyAlgorithmFor } from '../../internal/keys.js';
import { certificatePublicKey, isSelfIssued, type ParsedCertificate } from './certificate.js';
import { extensionName } from './extensions.js';
import { formatName, EMPTY_NAME } from './name.js';
import { nameConstraintViolation } from './name-constraints.js';
import { signingCertificateProblem } from './rules.js';
import { GeneralNameForm } from './general-names.js';

/** Most intermediates a path may hold (longer paths are not explored). */
export const MAX_INTERMEDIATES = 8;
/** Most signature checks one path search may make, bounding work on hostile chains. */
const MAX_SIGNATURE_CHECKS = 64;

/** The outcome of {@link buildPaths}: every valid path (leaf first, anchor last), and why others failed. */
export interface PathSearch {
  readonly chains: ParsedCertificate[][];
  readonly problems: string[];
}

/** Why `cert` is not usable at `now` on its own (validity, unknown critical extensions), or `undefined`. */
export function certificateProblem(cert: ParsedCertificate, now: Date): string | undefined {
  const t = now.getTime();
  if (t < cert.notBefore.getTime()) return `is not valid before ${cert.notBefore.toISOString()}`;
  if (t > cert.notAfter.getTime()) return `expired at ${cert.notAfter.toISOString()}`;
  const unknown = cert.ext.unknownCritical[0];
  if (unknown !== undefined) return `has an unsupported critical extension ${extensionName(unknown)} (RFC 5280 §4.2)`;
  return undefined;
}

/** Finds every valid path from `leaf` to one of `anchors`. The leaf's own checks are the caller's. */
export function buildPaths(
  leaf: ParsedCertificate,
  intermediates: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
  now: Date,
): PathSearch {
  const chains: ParsedCertificate[][] = [];
  const problems: string[] = [];
  const pool = intermediates.filter((c) => !anchors.some((a) => bytesEqual(a.der, c.der)));
  let budget = MAX_SIGNATURE_CHECKS;
  const note = (p: string): void => {
    if (!problems.includes(p)) problems.push(p);
  };

  const extend = (chain: ParsedCertificate[]): void => {
    const child = chain[chain.length - 1]!;
    const childName = chain.length === 1 ? 'the leaf' : `intermediate "${formatName(child.subject)}"`;
    const below = chain.slice(1).filter((c) => !isSelfIssued(c)).length;
    let issuers = 0;
    for (const [candidate, anchor] of [...anchors.map((a) => [a, true] as const), ...pool.map((c) => [c, false] as const)]) {
      if (chain.includes(candidate) || !bytesEqual(candidate.subject, child.issuer)) continue;
      const aki = child.ext.authorityKeyId;
      const ski = candidate.ext.subjectKeyId;
      if (aki !== undefined && ski !== undefined && !bytesEqual(aki, ski)) continue;
      issuers++;
      const what = `${anchor ? 'bundle authority' : 'intermediate'} "${formatName(candidate.subject)}"`;
      const problem =
        signingCertificateProblem(candidate) ??
        certificateProblem(candidate, now) ??
        pathLenProblem(candidate, below) ??
        (budget-- > 0 ? signatureProblem(child, candidate) : 'was not checked: too many candidate issuers');
      if (problem !== undefined) {
        note(`${what} ${problem}`);
        continue;
      }
      if (anchor) {
        const full = [...chain, candidate];
        const violation = constraintsProblem(full);
        if (violation === undefined) chains.push(full);
        else note(violation);
      } else if (chain.length > MAX_INTERMEDIATES) {
        note(`the path through ${what} is longer than ${MAX_INTERMEDIATES} intermediates`);
      } else {
        extend([...chain, candidate]);
      }
    }
    if (issuers === 0) note(`no certificate in the chain or the bundle issued ${childName} (issuer "${formatName(child.issuer)}")`);
  };

  extend([leaf]);
  return { chains, problems };
}

function pathLenProblem(issuer: ParsedCertificate, intermediatesBelow: number): string | undefined {
  const max = issuer.ext.basicConstraints?.pathLen;
  if (max === undefined || intermediatesBelow <= max) return undefined;
  return `has pathLenConstraint ${max} but ${intermediatesBelow} intermediate certificate(s) follow it (RFC 5280 §4.2.1.9)`;
}

const verifiedLinks = new WeakMap<ParsedCertificate, WeakSet<ParsedCertificate>>();

/** Why `issuer`'s key does not verify `child`'s signature, or `undefined` when it does. Successes are cached. */
export function signatureProblem(child: ParsedCertificate, issuer: ParsedCertificate): string | undefined {
  if (verifiedLinks.get(issuer)?.has(child)) return undefined;
  const alg = verifyAlgorithmFor(child.signatureAlgorithm);
  if (alg === undefined) return `cannot verify: signature algorithm ${child.signatureAlgorithm} is not supported`;
  if (alg.nullParams ? child.signatureParams === 'other' : child.signatureParams !== 'absent') {
    return `cannot verify: signature algorithm ${alg.name} has invalid parameters`;
  }
  let key;
  try {
    key = certificatePublicKey(issuer);
  } catch (err) {
    return `has a public key that cannot be used: ${(err as Error).message}`;
  }
  if (key.asymmetricKeyType !== alg.keyType) return `has a ${key.asymmetricKeyType} key, which cannot verify ${alg.name}`;
  let ok = false;
  try {
    ok = cryptoVerify(alg.hash, child.tbs, key, child.signature);
  } catch {
    ok = false;
  }
  if (!ok) return 'did not sign it: the signature does not verify';
  let set = verifiedLinks.get(issuer);
  if (set === undefined) verifiedLinks.set(issuer, (set = new WeakSet()));
  set.add(child);
  return undefined;
}

/** Applies each CA's name constraints to the certificates below it (self-issued intermediates excepted). */
function constraintsProblem(chain: readonly ParsedCertificate[]): string | undefined {
  for (let k = 1; k < chain.length; k++) {
    const nc = chain[k]!.ext.nameConstraints;
    if (nc === undefined) continue;
    for (let j = 0; j < k; j++) {
      const cert = chain[j]!;
      if (j > 0 && isSelfIssued(cert)) continue;
      const san = cert.ext.subjectAltName;
      const otherForms = [...(san?.otherForms ?? [])];
      if (!bytesEqual(cert.subject, EMPTY_NAME)) otherForms.push(GeneralNameForm.directoryName);
      const violation = nameConstraintViolation(nc, { uris: san?.uris ?? [], dnsNames: san?.dnsNames ?? [], otherForms });
      if (violation !== undefined) {
        const who = j === 0 ? 'the leaf' : `intermediate "${formatName(cert.subject)}"`;
        return `${who} breaks the name constraints of "${formatName(chain[k]!.subject)}": ${violation}`;
      }
    }
  }
  return undefined;
}
