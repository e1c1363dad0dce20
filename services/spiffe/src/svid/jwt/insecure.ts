import type { JsonObject } from '../../internal/json.js';
import type { JwtSvid } from './svid.js';
import { decodeJwtSvid, type DecodedJwtSvid } from './token.js';

/**
 * Reads a JWT-SVID WITHOUT checking its signature, expiry or audience: for display and debugging
 * only, never to authenticate anyone. The token must still be well formed: compact serialization,
 * an allowed `alg`, only `alg`/`kid`/`typ` in the header, and valid `sub`, `aud` and `exp` claims.
 * Throws {@link JwtSvidInvalidError} otherwise.
 *
 * @example
 * ```ts
 * const svid = parseInsecureJwtSvid(token);
 * console.log(svid.id.toString(), svid.audience, svid.expiresAt.toISOString());
 * ```
 */
export function parseInsecureJwtSvid(token: string): JwtSvid {
  return buildSvid(decodeJwtSvid(token), token);
}

/** Turns a decoded token into the public {@link JwtSvid} shape. @internal */
export function buildSvid(d: DecodedJwtSvid, token: string): JwtSvid {
  const { id, audience, exp, iat, nbf } = d.checked;
  return Object.freeze({
    id,
    audience,
    expiresAt: new Date(exp * 1000),
    ...(iat !== undefined && { issuedAt: new Date(iat * 1000) }),
    ...(nbf !== undefined && { notBefore: new Date(nbf * 1000) }),
    claims: Object.freeze(d.claims) as Readonly<JsonObject>,
    header: d.header,
    token,
  });
}
