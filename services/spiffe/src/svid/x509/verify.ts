import type { X509BundleSource } from '../../bundle/x509-bundle.js';
import { BundleNotFoundError, X509SvidInvalidError, X509SvidVerificationError } from '../../errors.js';
import type { SpiffeId } from '../../id/spiffe-id.js';
import { parseCertificate, parseCertificateCached, type ParsedCertificate } from './certificate.js';
import { MAX_INTERMEDIATES, buildPaths, certificateProblem } from './path.js';
import { validateLeaf } from './rules.js';

/** Options of {@link verifyX509Svid}. */
export interface VerifyX509SvidOptions {
  /** The time at which every certificate must be valid. Defaults to the current time. */
  readonly now?: Date;
}

/** A verified X.509-SVID: its SPIFFE ID and every chain that led to a bundle authority. */
export interface VerifiedX509Svid {
  readonly id: SpiffeId;
  /** Each verified chain as DER: the leaf first, the bundle authority last (the arrays passed in). */
  readonly chains: readonly (readonly Uint8Array[])[];
}

/** Most certificates a presented chain may hold. */
const MAX_CHAIN_LENGTH = 1 + 2 * MAX_INTERMEDIATES;

/**
 * Verifies an X.509-SVID chain as presented by a peer (X509-SVID §5): the leaf rules of §5.2, then
 * RFC 5280 path validation (§5.1) from the leaf through the presented intermediates to an authority
 * in the bundle of the leaf's trust domain.
 *
 * Errors:
 * - {@link X509SvidInvalidError}: the chain is empty or malformed, or the leaf breaks a rule of
 *   X509-SVID §2–§5.2 (URI SANs, SPIFFE ID, cA, key usage, extended key usage). Such an SVID is
 *   invalid whatever the bundle.
 * - {@link BundleNotFoundError}: `bundles` has no bundle for the leaf's trust domain.
 * - {@link X509SvidVerificationError}: trust cannot be established at `now`: a certificate is
 *   expired or not yet valid, has an unknown critical extension, no path reaches an authority, a
 *   signature does not verify, a signer lacks cA or keyCertSign, a pathLenConstraint or a name
 *   constraint is broken. The message lists why each candidate path failed.
 *
 * Parsed authorities are cached per `Uint8Array` (bundles keep their arrays and never mutate them),
 * and imported public keys per key bytes, so verifying many SVIDs against one bundle and the same
 * intermediates parses each authority and imports each signing key once.
 *
 * @param chain DER certificates, leaf first, then intermediates in any order.
 * @example
 * ```ts
 * const { id } = verifyX509Svid(peerChainDer, bundleSet, { now: clock.now() });
 * if (!id.memberOf(TrustDomain.parse('example.org'))) throw new Error('unexpected peer');
 * ```
 */
export function verifyX509Svid(chain: readonly Uint8Array[], bundles: X509BundleSource, opts: VerifyX509SvidOptions = {}): VerifiedX509Svid {
  if (!Array.isArray(chain)) throw new TypeError('verifyX509Svid: chain must be an array of DER certificates');
  if (bundles == null || typeof bundles.getX509BundleForTrustDomain !== 'function') {
    throw new TypeError('verifyX509Svid: bundles must implement getX509BundleForTrustDomain');
  }
  const now = opts.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('verifyX509Svid: now must be a valid Date');
  if (chain.length === 0) throw new X509SvidInvalidError('x509svid: the chain is empty; the leaf certificate is required');
  if (chain.length > MAX_CHAIN_LENGTH) {
    throw new X509SvidInvalidError(`x509svid: the chain has ${chain.length} certificates; at most ${MAX_CHAIN_LENGTH} are accepted`);
  }
  // Presented certificates are parsed afresh: their arrays belong to the caller and may be reused.
  const [leaf, ...rest] = chain.map((der, i) => parseCertificate(der, i === 0 ? 'leaf certificate' : `certificate ${i}`)) as [
    ParsedCertificate,
    ...ParsedCertificate[],
  ];
  const id = validateLeaf(leaf);
  const bundle = bundles.getX509BundleForTrustDomain(id.trustDomain);
  if (bundle === undefined) {
    throw new BundleNotFoundError(`x509svid: no X.509 bundle is known for trust domain "${id.trustDomain.name}" of ${id.toString()}`);
  }
  const leafProblem = certificateProblem(leaf, now);
  if (leafProblem !== undefined) throw new X509SvidVerificationError(`x509svid: the leaf certificate of ${id.toString()} ${leafProblem}`);

  const anchors: ParsedCertificate[] = [];
  for (const der of bundle.x509Authorities()) {
    try {
      anchors.push(parseCertificateCached(der, 'bundle authority'));
    } catch {
      // An authority this parser rejects cannot anchor a path; the others still can.
    }
  }
  if (anchors.length === 0) {
    throw new X509SvidVerificationError(`x509svid: the bundle of trust domain "${id.trustDomain.name}" has no usable X.509 authority`);
  }
  const { chains, problems } = buildPaths(leaf, rest, anchors, now);
  if (chains.length === 0) {
    const shown = problems.slice(0, 4).join('; ');
    const more = problems.length > 4 ? ` (and ${problems.length - 4} more)` : '';
    throw new X509SvidVerificationError(
      `x509svid: could not verify ${id.toString()} against the bundle of "${id.trustDomain.name}": ${shown}${more}`,
    );
  }
  return { id, chains: chains.map((c) => c.map((p) => p.der)) };
}
