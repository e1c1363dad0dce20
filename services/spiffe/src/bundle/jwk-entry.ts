/**
 * Reading one JWK element of a JWK Set (a SPIFFE bundle or a plain JWKS) into a trust anchor,
 * following SPIFFE Trust Domain and Bundle §4.2, X509-SVID §6.2 and JWT-SVID §6.
 * @internal
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { KeyInvalidError } from '../errors.js';
import { decodeBase64 } from '../internal/base64url.js';
import { isSupportedJwkType, jwkToPublicKey } from '../internal/jwk.js';
import type { JsonObject } from '../internal/json.js';
import { jwtAuthorityProblem } from './jwt-authority.js';

/** The SPIFFE bundle `use` values (SPIFFE Trust Domain and Bundle §4.2.2), case-sensitive. */
export type SpiffeKeyUse = 'x509-svid' | 'jwt-svid';

/**
 * What one JWK element turned out to be:
 * - `unknown`: a missing or unknown `use`, or an unknown `kty`: the spec says to ignore it (§4.2.1, §4.2.2);
 * - `invalid`: a known use and key type that breaks a rule (missing `kid`, empty `x5c`, key not matching
 *   its certificate, private members...);
 * - an X.509 authority (DER certificate) or a JWT authority (`kid` and public key).
 */
export type JwkEntry =
  | { readonly kind: 'unknown'; readonly use: string | undefined; readonly reason: string }
  | { readonly kind: 'invalid'; readonly use: SpiffeKeyUse; readonly reason: string; readonly cause?: unknown }
  | { readonly kind: 'x509-svid'; readonly der: Uint8Array }
  | { readonly kind: 'jwt-svid'; readonly kid: string; readonly key: KeyObject };

/**
 * Classifies one JWK element. `plainJwks` reads it as a member of a JWT-authority JWKS rather than of
 * a SPIFFE bundle: a missing `use`, `"sig"` or `"jwt-svid"` then means a JWT authority, and any other
 * `use` (including `"x509-svid"`) is unknown.
 */
export function classifyJwk(jwk: JsonObject, what: string, plainJwks = false): JwkEntry {
  const rawUse = jwk['use'];
  let use: SpiffeKeyUse | undefined;
  if (plainJwks) use = rawUse === undefined || rawUse === 'sig' || rawUse === 'jwt-svid' ? 'jwt-svid' : undefined;
  else use = rawUse === 'x509-svid' || rawUse === 'jwt-svid' ? rawUse : undefined;
  if (use === undefined) {
    const shown = typeof rawUse === 'string' ? rawUse : undefined;
    const wanted = plainJwks ? '"jwt-svid" or "sig"' : '"x509-svid" or "jwt-svid"';
    const reason = rawUse === undefined ? 'member "use" is missing' : `member "use" is ${JSON.stringify(rawUse)}, not ${wanted}`;
    return { kind: 'unknown', use: shown, reason: `${what}: ${reason}` };
  }
  if (jwk['kty'] === undefined) return { kind: 'invalid', use, reason: `${what}: member "kty" is required` };
  if (!isSupportedJwkType(jwk)) {
    const crv = jwk['kty'] === 'EC' ? ` (crv ${JSON.stringify(jwk['crv'])})` : '';
    return { kind: 'unknown', use, reason: `${what}: key type ${JSON.stringify(jwk['kty'])}${crv} is not supported` };
  }
  let key: KeyObject;
  try {
    key = jwkToPublicKey(jwk, what);
  } catch (err) {
    if (!(err instanceof KeyInvalidError)) throw err;
    return { kind: 'invalid', use, reason: err.message, cause: err };
  }
  return use === 'jwt-svid' ? jwtEntry(jwk, key, what) : x509Entry(jwk, key, what);
}

function jwtEntry(jwk: JsonObject, key: KeyObject, what: string): JwkEntry {
  const kid = jwk['kid'];
  // JWT-SVID §6.1: the kid parameter of each JWK entry MUST be set.
  if (typeof kid !== 'string' || kid.length === 0) {
    return { kind: 'invalid', use: 'jwt-svid', reason: `${what}: member "kid" is required for a jwt-svid key and must be a non-empty string` };
  }
  const problem = jwtAuthorityProblem(key);
  if (problem !== undefined) return { kind: 'invalid', use: 'jwt-svid', reason: `${what}: ${problem}` };
  return { kind: 'jwt-svid', kid, key };
}

function x509Entry(jwk: JsonObject, key: KeyObject, what: string): JwkEntry {
  const x5c = jwk['x5c'];
  // X509-SVID §6.2: an entry without x5c, or with an empty one, MUST be ignored; all values but
  // the first MUST be ignored.
  if (!Array.isArray(x5c) || x5c.length === 0) {
    return { kind: 'invalid', use: 'x509-svid', reason: `${what}: member "x5c" is required for an x509-svid key and must hold a certificate` };
  }
  const first: unknown = x5c[0];
  let der: Buffer;
  let cert: X509Certificate;
  try {
    der = decodeBase64(first as string, `${what}: x5c[0]`, KeyInvalidError);
    cert = new X509Certificate(der);
  } catch (err) {
    const reason = err instanceof KeyInvalidError ? err.message : `${what}: x5c[0] is not a DER X.509 certificate`;
    return { kind: 'invalid', use: 'x509-svid', reason, cause: err };
  }
  // RFC 7517 §4.7: the key in the first certificate MUST match the public key of the JWK.
  if (!cert.publicKey.equals(key)) {
    return { kind: 'invalid', use: 'x509-svid', reason: `${what}: the JWK's key does not match the public key of the x5c[0] certificate` };
  }
  return { kind: 'x509-svid', der: new Uint8Array(der) };
}
