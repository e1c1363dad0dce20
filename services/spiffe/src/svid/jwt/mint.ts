import { KeyObject } from 'node:crypto';
import { UnsupportedError } from '../../errors.js';
import { SpiffeId } from '../../id/spiffe-id.js';
import { encodeBase64url } from '../../internal/base64url.js';
import { defaultAlgorithm, isJwtSvidAlgorithm, signJws, type JwtSvidAlgorithm } from './algorithms.js';

/** Claims that {@link mintJwtSvid} sets itself and that `extraClaims` may therefore not hold. */
const RESERVED_CLAIMS = ['sub', 'aud', 'exp', 'iat', 'iss'] as const;

interface MintBase {
  /** The SPIFFE ID the token is issued to: the `sub` claim (JWT-SVID §3.1). */
  readonly id: SpiffeId;
  /** The `aud` claim (JWT-SVID §3.2): a string for one audience, an array for several (discouraged, §7.2). */
  readonly audience: string | readonly string[];
  /** The private signing key: EC P-256/P-384/P-521, or RSA of at least 2048 bits. */
  readonly key: KeyObject;
  /** The key ID under which the matching public key is published in the bundle (JWT-SVID §6.1). */
  readonly kid: string;
  /** Signature algorithm; by default ES256/ES384/ES512 from the curve, RS256 for RSA, PS256 for RSA-PSS keys. */
  readonly alg?: JwtSvidAlgorithm;
  /** Issuance time: the `iat` claim. */
  readonly now: Date;
  /** Optional `iss` claim. */
  readonly issuer?: string;
  /** Further claims (`jti`, `nbf`, private claims...); must not repeat `sub`, `aud`, `exp`, `iat` or `iss`. */
  readonly extraClaims?: Readonly<Record<string, unknown>>;
}

/** Parameters of {@link mintJwtSvid}: the lifetime is given as `ttlSeconds` or as `expiresAt`, not both. */
export type MintJwtSvidParams = MintBase &
  ({ readonly ttlSeconds: number; readonly expiresAt?: undefined } | { readonly expiresAt: Date; readonly ttlSeconds?: undefined });

/**
 * Signs a JWT-SVID in compact serialization, with header `{alg, kid, typ: "JWT"}` and claims `sub`,
 * `aud`, `exp`, `iat` (whole seconds; `exp` rounds down), `iss` when given, then `extraClaims`.
 * ECDSA signatures are raw r||s (RFC 7518 §3.4).
 *
 * Throws {@link UnsupportedError} for an `alg` outside JWT-SVID §2.1 or a key type no such algorithm
 * takes, {@link KeyInvalidError} when the key does not fit `alg` (an RSA key with ES256, a P-384 key
 * with ES256, RSA under 2048 bits), and `TypeError` for misuse: a public key, an empty `kid` or
 * audience, a lifetime that ends at or before `now`, or a reserved claim in `extraClaims`.
 *
 * @example
 * ```ts
 * const token = mintJwtSvid({
 *   id: SpiffeId.parse('spiffe://example.org/web'),
 *   audience: 'spiffe://example.org/reports',
 *   key: signingKey,          // a private P-256 KeyObject
 *   kid: 'k1',
 *   now: new Date(),
 *   ttlSeconds: 300,
 * });
 * ```
 */
export function mintJwtSvid(params: MintJwtSvidParams): string {
  const { id, key, kid, now, issuer, extraClaims } = params;
  if (!(id instanceof SpiffeId)) throw new TypeError('jwtsvid: id must be a SpiffeId');
  if (!(key instanceof KeyObject) || key.type !== 'private') throw new TypeError('jwtsvid: key must be a private KeyObject');
  if (typeof kid !== 'string' || kid.length === 0) throw new TypeError('jwtsvid: kid must be a non-empty string');
  const nowMs = now instanceof Date ? now.getTime() : NaN;
  if (Number.isNaN(nowMs)) throw new TypeError('jwtsvid: now must be a valid Date');
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer.length === 0)) throw new TypeError('jwtsvid: issuer must be a non-empty string');
  const alg = params.alg ?? defaultAlgorithm(key);
  if (!isJwtSvidAlgorithm(alg)) throw new UnsupportedError(`jwtsvid: alg ${JSON.stringify(alg)} is not allowed for JWT-SVIDs (JWT-SVID §2.1)`);
  const aud = checkAudience(params.audience);
  const iat = Math.floor(nowMs / 1000);
  const exp = expiry(params, nowMs);
  const claims: Record<string, unknown> = { sub: id.toString(), aud, exp, iat };
  if (issuer !== undefined) claims['iss'] = issuer;
  if (extraClaims !== undefined) {
    for (const name of RESERVED_CLAIMS) {
      if (Object.hasOwn(extraClaims, name)) throw new TypeError(`jwtsvid: extraClaims must not set "${name}"; it is set from the parameters`);
    }
    Object.assign(claims, extraClaims);
  }
  const input = `${encodeBase64url(JSON.stringify({ alg, kid, typ: 'JWT' }))}.${encodeBase64url(JSON.stringify(claims))}`;
  const signature = signJws(alg, key, Buffer.from(input, 'latin1'));
  return `${input}.${signature.toString('base64url')}`;
}

function checkAudience(audience: string | readonly string[]): string | string[] {
  const list = typeof audience === 'string' ? [audience] : audience;
  if (!Array.isArray(list) || list.length === 0 || !list.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new TypeError('jwtsvid: audience must be a non-empty string or a non-empty array of them');
  }
  return list.length === 1 ? (list[0] as string) : [...(list as string[])];
}

function expiry(params: MintJwtSvidParams, nowMs: number): number {
  let expMs: number;
  if (params.ttlSeconds !== undefined && params.expiresAt === undefined) {
    const ttl = params.ttlSeconds;
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) throw new TypeError('jwtsvid: ttlSeconds must be a positive number');
    expMs = nowMs + ttl * 1000;
  } else if (params.expiresAt !== undefined && params.ttlSeconds === undefined) {
    expMs = params.expiresAt instanceof Date ? params.expiresAt.getTime() : NaN;
    if (Number.isNaN(expMs)) throw new TypeError('jwtsvid: expiresAt must be a valid Date');
  } else {
    throw new TypeError('jwtsvid: give exactly one of ttlSeconds and expiresAt');
  }
  const exp = Math.floor(expMs / 1000);
  if (exp * 1000 <= nowMs) throw new TypeError('jwtsvid: the token would be expired when issued; the lifetime must end at least one second after now');
  return exp;
}
