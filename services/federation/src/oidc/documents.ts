/**
 * The documents of the OIDC discovery provider, as pure functions of the issuer and the local
 * bundle: the OpenID Provider metadata (OpenID Connect Discovery 1.0 §3) and the JWK Set of the
 * JWT-SVID signing keys (RFC 7517), which is what AWS IAM, GCP Workload Identity Federation and
 * Azure AD workload identity federation read to verify JWT-SVIDs presented as OIDC tokens.
 * @module
 */
import type { KeyObject } from 'node:crypto';
import type { SpiffeBundle } from '@signet/spiffe';

/** The OpenID Provider metadata served at `<issuer>/.well-known/openid-configuration`. */
export interface OpenIdConfiguration {
  readonly issuer: string;
  readonly jwks_uri: string;
  /** Required by the Discovery spec and by some relying parties; Signet has no authorization endpoint and never serves it. */
  readonly authorization_endpoint: string;
  readonly response_types_supported: readonly string[];
  readonly subject_types_supported: readonly string[];
  readonly id_token_signing_alg_values_supported: readonly string[];
}

/** A public JWK of the JWKS. */
export interface SigningJwk {
  readonly kty: string;
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: string;
  readonly [param: string]: unknown;
}

/**
 * The JWS algorithm JWT-SVIDs are signed with by a key, as the CA chooses it: ES256 / ES384 /
 * ES512 for EC P-256 / P-384 / P-521, RS256 for RSA, PS256 for RSA-PSS; `undefined` for others.
 */
export function signingAlgorithm(key: KeyObject): string | undefined {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'prime256v1' ? 'ES256' : curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : undefined;
    }
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    default:
      return undefined;
  }
}

/** The JWK Set of the bundle's JWT authorities (`kid`, `use: "sig"`, `alg`, key parameters), in `kid` order. */
export function jwksOf(bundle: SpiffeBundle | undefined): { keys: SigningJwk[] } {
  if (bundle === undefined) return { keys: [] };
  const keys: SigningJwk[] = [];
  for (const [kid, key] of [...bundle.jwtAuthorities()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const alg = signingAlgorithm(key);
    if (alg === undefined) continue;
    const params = key.export({ format: 'jwk' }) as Record<string, unknown>;
    keys.push({ ...params, kty: String(params['kty']), kid, use: 'sig', alg });
  }
  return { keys };
}

/** `issuer` without a trailing slash (the form `iss` claims and metadata URLs are built from). */
export function normalizeIssuer(issuer: string): string {
  return issuer.replace(/\/+$/, '');
}

/**
 * The provider metadata for `issuer`, listing the algorithms of the keys in `jwks`. `issuer` is
 * kept exactly as given (it must equal the `iss` of the JWT-SVIDs, character for character);
 * the URLs are built from it without its trailing slashes.
 */
export function openIdConfiguration(issuer: string, jwks: { keys: readonly SigningJwk[] }): OpenIdConfiguration {
  const base = normalizeIssuer(issuer);
  return {
    issuer,
    jwks_uri: `${base}/keys`,
    authorization_endpoint: `${base}/authorize`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(jwks.keys.map((k) => k.alg))].sort(),
  };
}
