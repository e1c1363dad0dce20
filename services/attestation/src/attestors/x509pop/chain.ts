/**
 * Verification of a node's ordinary X.509 chain (not an SVID: no SPIFFE rules) against the
 * configured CA certificates, with `node:crypto`: every certificate valid at `now`, each one
 * issued by the next (names, key identifiers and key usage as OpenSSL checks them, and the
 * signature), every issuer a CA, ending at a configured trust anchor.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ApiError } from '@signet/platform';

/** Longest path searched, in certificates above the leaf. */
const MAX_DEPTH = 8;
const FIELD = 'params.payload';
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END CERTIFICATE-----/g;

/** The trust anchors of x509pop: CA certificates from the configured bundle files. */
export interface TrustAnchors {
  readonly certificates: readonly X509Certificate[];
}

/** A verified chain: the leaf, then the certificates above it up to and including the anchor. */
export interface VerifiedChain {
  readonly leaf: X509Certificate;
  readonly cas: readonly X509Certificate[];
}

/** Parses every `CERTIFICATE` block of a PEM text; `what` names the source in errors. */
export function parsePemCertificates(pem: string, what: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const match of pem.matchAll(PEM_CERTIFICATE)) {
    const der = Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64');
    try {
      out.push(new X509Certificate(der));
    } catch (err) {
      throw new Error(`${what}: certificate ${out.length} is not a valid X.509 certificate`, { cause: err });
    }
  }
  if (out.length === 0) throw new Error(`${what}: no PEM CERTIFICATE block found`);
  return out;
}

/** Reads the CA bundle files (PEM); each must hold at least one CA certificate. */
export async function loadTrustAnchors(paths: readonly string[]): Promise<TrustAnchors> {
  const certificates: X509Certificate[] = [];
  for (const path of paths) {
    const found = parsePemCertificates(await readFile(path, 'utf8'), `x509pop CA bundle ${path}`);
    const notCa = found.findIndex((c) => !c.ca);
    if (notCa >= 0) throw new Error(`x509pop CA bundle ${path}: certificate ${notCa} is not a CA certificate`);
    certificates.push(...found);
  }
  return { certificates };
}

/**
 * Verifies `chain` (leaf first, then intermediates in any order) against `anchors` at `now`.
 * Throws `permission_denied` on `params.payload` naming why no path was found.
 */
export function verifyNodeChain(chain: readonly X509Certificate[], anchors: TrustAnchors, now: Date): VerifiedChain {
  const [leaf, ...intermediates] = chain;
  if (leaf === undefined) throw ApiError.invalid(FIELD, 'the node certificate chain is required');
  const leafProblem = validityProblem(leaf, now, 'the node certificate');
  if (leafProblem !== undefined) throw denied(leafProblem);
  if (leaf.ca) throw denied('the node certificate is a CA certificate; a leaf is required');
  const problems: string[] = [];
  const path = extend(leaf, intermediates, anchors.certificates, now, new Set([leaf.fingerprint256]), problems);
  if (path === undefined) {
    const why = problems.length === 0 ? 'no configured CA issued it' : [...new Set(problems)].join('; ');
    throw denied(`the node certificate does not chain to a configured CA (${why})`);
  }
  return { leaf, cas: path };
}

/** Depth-first search for a path from `current` to an anchor; records why candidates failed. */
function extend(
  current: X509Certificate,
  intermediates: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  now: Date,
  visited: Set<string>,
  problems: string[],
): X509Certificate[] | undefined {
  if (visited.size > MAX_DEPTH) {
    problems.push(`the chain is longer than ${MAX_DEPTH} certificates`);
    return undefined;
  }
  const candidates = [...anchors.map((c) => ({ c, anchor: true })), ...intermediates.map((c) => ({ c, anchor: false }))];
  for (const { c: issuer, anchor } of candidates) {
    if (visited.has(issuer.fingerprint256) || !current.checkIssued(issuer)) continue;
    const name = anchor ? `CA "${issuer.subject.replace(/\n/g, ', ')}"` : `intermediate "${issuer.subject.replace(/\n/g, ', ')}"`;
    if (!issuer.ca) {
      problems.push(`${name} is not a CA`);
      continue;
    }
    if (!current.verify(issuer.publicKey)) {
      problems.push(`a signature by ${name} does not verify`);
      continue;
    }
    const invalid = validityProblem(issuer, now, name);
    if (invalid !== undefined) {
      problems.push(invalid);
      continue;
    }
    if (anchor) return [issuer];
    visited.add(issuer.fingerprint256);
    const rest = extend(issuer, intermediates, anchors, now, visited, problems);
    visited.delete(issuer.fingerprint256);
    if (rest !== undefined) return [issuer, ...rest];
  }
  return undefined;
}

function validityProblem(cert: X509Certificate, now: Date, name: string): string | undefined {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now.getTime() < notBefore.getTime()) return `${name} is not valid before ${notBefore.toISOString()}`;
  if (now.getTime() > notAfter.getTime()) return `${name} expired at ${notAfter.toISOString()}`;
  return undefined;
}

function denied(rule: string): ApiError {
  return new ApiError('permission_denied', `${FIELD}: ${rule}`, { field: FIELD });
}
