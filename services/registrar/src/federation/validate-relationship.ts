/**
 * The rules of a federation relationship, checked before anything is written; every error names
 * the request field (`relationship.bundle_endpoint_url`, `trust_domain_bundle`, ...) and the rule.
 *
 * - `trust_domain`: a valid trust domain name (bare, or SPIRE's `spiffe://` form), not this
 *   server's own.
 * - `bundle_endpoint_url`: an `https://` URL with a host, without credentials or whitespace, of
 *   at most {@link MAX_ENDPOINT_URL_LENGTH} characters.
 * - `bundle_endpoint_profile`: `https_web` (the endpoint presents a Web PKI certificate) or
 *   `https_spiffe` (it presents an X509-SVID, checked against the trust domain's bundle).
 * - `endpoint_spiffe_id`: required for `https_spiffe`, a SPIFFE ID inside the foreign trust domain
 *   (naming a workload, not the bare trust domain); empty for `https_web`.
 * - `trust_domain_bundle` (`trust_domain_bundle_format` `spiffe`, the default, or `pem`): the
 *   bundle to start from, required for `https_spiffe` (its X.509 authorities authenticate the
 *   endpoint until the first fetch), optional for `https_web`.
 *
 * @example
 * ```ts
 * const td = foreignTrustDomain(request.trust_domain, local, 'relationship.trust_domain');
 * const url = checkEndpointUrl(request.bundle_endpoint_url, 'relationship.bundle_endpoint_url');
 * ```
 * @module
 */
import { isUtf8 } from 'node:buffer';
import type { BundleEndpointProfile } from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { JwtBundle, SpiffeBundle, SpiffeId, X509Bundle, type TrustDomain } from '@signet/spiffe';
import { MAX_BUNDLE_DOCUMENT_LENGTH } from '../bundles/parse-bundle-document.js';
import { parseTrustDomainName } from '../entries/validate-federates-with.js';

/** Longest bundle endpoint URL accepted (the datastore's limit). */
export const MAX_ENDPOINT_URL_LENGTH = 2048;

/** The bundle endpoint profiles (SPIFFE Federation §5). */
export const BUNDLE_ENDPOINT_PROFILES: readonly BundleEndpointProfile[] = Object.freeze(['https_web', 'https_spiffe']);

/** The formats of a bootstrap bundle. */
export const TRUST_DOMAIN_BUNDLE_FORMATS = Object.freeze(['spiffe', 'pem'] as const);

/** A bootstrap bundle format. */
export type TrustDomainBundleFormat = (typeof TRUST_DOMAIN_BUNDLE_FORMATS)[number];

/** The field names of a create request (a REST or gRPC caller's words). */
export const FIELDS = Object.freeze({
  trustDomain: 'relationship.trust_domain',
  bundleEndpointUrl: 'relationship.bundle_endpoint_url',
  bundleEndpointProfile: 'relationship.bundle_endpoint_profile',
  endpointSpiffeId: 'relationship.endpoint_spiffe_id',
  trustedByAll: 'relationship.trusted_by_all',
  bundle: 'trust_domain_bundle',
  bundleFormat: 'trust_domain_bundle_format',
  mask: 'mask',
});

/** A trust domain other than `local`; errors name `field`. */
export function foreignTrustDomain(value: string, local: TrustDomain, field: string): TrustDomain {
  const td = parseTrustDomainName(value, field);
  if (td.equals(local)) {
    throw ApiError.invalid(field, `"${td.name}" is this server's own trust domain; a federation relationship names a foreign one`);
  }
  return td;
}

const URL_SHAPE = /^https:\/\/[^\s/?#]+\S*$/;

/** The bundle endpoint URL, as given, once checked; errors name `field`. */
export function checkEndpointUrl(value: string, field: string): string {
  if (typeof value !== 'string' || value === '') throw ApiError.invalid(field, 'is required');
  if (value.length > MAX_ENDPOINT_URL_LENGTH) throw ApiError.invalid(field, `must be at most ${MAX_ENDPOINT_URL_LENGTH} characters (got ${value.length})`);
  if (!URL_SHAPE.test(value)) {
    throw ApiError.invalid(field, `must be an https:// URL with a host and no whitespace, e.g. https://partner.example/bundle (got ${JSON.stringify(value)})`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    throw ApiError.invalid(field, `is not a valid URL (got ${JSON.stringify(value)})`, err);
  }
  if (url.protocol !== 'https:' || url.hostname === '') throw ApiError.invalid(field, `must be an https:// URL with a host (got ${JSON.stringify(value)})`);
  if (url.username !== '' || url.password !== '') throw ApiError.invalid(field, 'must not hold credentials (user:password@)');
  return value;
}

/** The bundle endpoint profile; errors name `field`. */
export function checkProfile(value: string, field: string): BundleEndpointProfile {
  if (typeof value !== 'string' || value === '') throw ApiError.invalid(field, 'is required: "https_web" or "https_spiffe"');
  if (!(BUNDLE_ENDPOINT_PROFILES as readonly string[]).includes(value)) {
    throw ApiError.invalid(field, `must be "https_web" or "https_spiffe" (got ${JSON.stringify(value)})`);
  }
  return value as BundleEndpointProfile;
}

/**
 * The endpoint SPIFFE ID that `profile` needs: a member of `td` for `https_spiffe` (returned in
 * canonical form), `null` for `https_web` (where a non-empty value is an error); errors name `field`.
 */
export function checkEndpointSpiffeId(value: string, profile: BundleEndpointProfile, td: TrustDomain, field: string): string | null {
  const given = typeof value === 'string' ? value : '';
  if (profile === 'https_web') {
    if (given !== '') throw ApiError.invalid(field, 'must be empty for bundle_endpoint_profile "https_web" (only "https_spiffe" authenticates the endpoint by SPIFFE ID)');
    return null;
  }
  if (given === '') {
    throw ApiError.invalid(field, `is required for bundle_endpoint_profile "https_spiffe": the SPIFFE ID the endpoint presents, e.g. spiffe://${td.name}/spire/server`);
  }
  let id: SpiffeId;
  try {
    id = SpiffeId.parse(given);
  } catch (err) {
    throw ApiError.invalid(field, `is not a valid SPIFFE ID: ${(err as Error).message}`, err);
  }
  if (!id.memberOf(td)) throw ApiError.invalid(field, `${JSON.stringify(given)} is not in trust domain "${td.name}", the one the relationship federates with`);
  if (id.path === '') throw ApiError.invalid(field, `must name the endpoint's workload inside "${td.name}", not the trust domain itself`);
  return id.toString();
}

/** The bootstrap bundle format: `''` means `spiffe`; errors name `field`. */
export function checkBundleFormat(value: string | null | undefined, field: string): TrustDomainBundleFormat {
  const format = value ?? '';
  if (format === '') return 'spiffe';
  if (!(TRUST_DOMAIN_BUNDLE_FORMATS as readonly string[]).includes(format)) {
    throw ApiError.invalid(field, `must be "spiffe" (the default) or "pem" (got ${JSON.stringify(format)})`);
  }
  return format as TrustDomainBundleFormat;
}

/**
 * Parses the bootstrap bundle of `td` (UTF-8 text in `format`); `undefined` when `document` is
 * empty, which only `https_web` allows. Errors name `field` (or `formatField`).
 */
export function parseTrustDomainBundle(
  td: TrustDomain,
  document: Uint8Array | undefined,
  format: TrustDomainBundleFormat,
  profile: BundleEndpointProfile,
  fields: { readonly bundle: string; readonly format: string } = { bundle: FIELDS.bundle, format: FIELDS.bundleFormat },
): SpiffeBundle | undefined {
  const field = fields.bundle;
  if (document === undefined || document.length === 0) {
    if (profile === 'https_spiffe') {
      throw ApiError.invalid(field, `is required for bundle_endpoint_profile "https_spiffe": the bundle of "${td.name}" authenticates its endpoint until the first fetch`);
    }
    return undefined;
  }
  if (document.length > MAX_BUNDLE_DOCUMENT_LENGTH) throw ApiError.invalid(field, `must be at most ${MAX_BUNDLE_DOCUMENT_LENGTH} bytes (got ${document.length})`);
  if (!isUtf8(document)) throw ApiError.invalid(field, 'must be UTF-8 text: a SPIFFE bundle document (JSON) or PEM certificates');
  const text = Buffer.from(document).toString('utf8');
  let bundle: SpiffeBundle;
  try {
    bundle = format === 'pem' ? SpiffeBundle.fromX509AndJwt(X509Bundle.parsePem(td, text), JwtBundle.empty(td)) : SpiffeBundle.parse(td, text);
  } catch (err) {
    const hint = format === 'spiffe' && text.trimStart().startsWith('-----BEGIN') ? ` (it looks like PEM: set ${fields.format} to "pem")` : '';
    throw ApiError.invalid(field, `is not a valid ${format === 'pem' ? 'PEM bundle' : 'SPIFFE bundle document'}${hint}: ${(err as Error).message}`, err);
  }
  if (bundle.isEmpty()) throw ApiError.invalid(field, 'holds no X.509 or JWT authority');
  if (profile === 'https_spiffe' && bundle.x509Authorities().length === 0) {
    throw ApiError.invalid(field, 'holds no X.509 authority: bundle_endpoint_profile "https_spiffe" needs one to authenticate the endpoint');
  }
  return bundle;
}
