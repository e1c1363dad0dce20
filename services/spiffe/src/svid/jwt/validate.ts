import { BundleNotFoundError, JwtSvidAudienceError, JwtSvidExpiredError, JwtSvidInvalidError, JwtSvidVerificationError } from '../../errors.js';
import type { JwtBundleSource } from '../../bundle/source.js';
import { keyMismatch, verifyJws } from './algorithms.js';
import { buildSvid } from './insecure.js';
import type { JwtSvid } from './svid.js';
import { decodeJwtSvid } from './token.js';

/** Largest clock skew a validator may allow, in seconds. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** Options of {@link parseAndValidateJwtSvid}. */
export interface JwtSvidValidationOptions {
  /**
   * The audience value(s) this validator identifies with (JWT-SVID §3.2). The token is accepted when
   * its `aud` contains at least one of them, so list several only when they all name this validator.
   */
  readonly audience: string | readonly string[];
  /** The current time. Injected so that tests never sleep. */
  readonly now: Date;
  /** Leeway for `exp` and `nbf`, in seconds: 0 (the default) to {@link MAX_CLOCK_SKEW_SECONDS}. */
  readonly clockSkewSeconds?: number;
}

/**
 * Parses and validates a JWT-SVID against the JWT authorities of the trust domain named by its
 * `sub` claim. In order:
 * 1. shape: compact serialization, allowed `alg` (never `none` or `HS*`), only `alg`/`kid`/`typ` in
 *    the header, `typ` absent or `JWT`/`JOSE`, strict JSON, valid `sub`, `aud`, `exp` ({@link JwtSvidInvalidError});
 * 2. `kid` present ({@link JwtSvidInvalidError}): it selects the key;
 * 3. the bundle of `sub`'s trust domain ({@link BundleNotFoundError});
 * 4. the key `kid` in it, of a type that fits `alg`, and the signature ({@link JwtSvidVerificationError});
 * 5. `exp` not reached and `nbf` reached, give or take the skew ({@link JwtSvidExpiredError});
 * 6. `aud` holding one of the expected audiences ({@link JwtSvidAudienceError}).
 * Bad options (no audience, invalid `now`, skew out of range) throw `TypeError`.
 *
 * @example
 * ```ts
 * const bundles = new JwtBundleSet([JwtBundle.parseJwks(td, jwks)]);
 * const svid = parseAndValidateJwtSvid(token, bundles, { audience: 'spiffe://example.org/reports', now: new Date() });
 * svid.id.toString(); // 'spiffe://example.org/web'
 * ```
 */
export function parseAndValidateJwtSvid(token: string, bundles: JwtBundleSource, options: JwtSvidValidationOptions): JwtSvid {
  const { expected, nowSeconds, skew } = checkOptions(options);
  const d = decodeJwtSvid(token);
  const { alg, kid } = d.header;
  if (kid === undefined) throw new JwtSvidInvalidError('jwtsvid: header "kid" is required to select the signing key from the bundle');
  const td = d.checked.id.trustDomain;
  const bundle = bundles.getJwtBundleForTrustDomain(td);
  if (bundle === undefined) throw new BundleNotFoundError(`jwtsvid: no JWT bundle for trust domain "${td}" (the trust domain of "sub")`);
  const key = bundle.findKey(kid);
  if (key === undefined) throw new JwtSvidVerificationError(`jwtsvid: no JWT authority with kid ${JSON.stringify(kid)} in the bundle of "${td}"`);
  const mismatch = keyMismatch(key, alg);
  if (mismatch !== undefined) throw new JwtSvidVerificationError(`jwtsvid: header "alg" does not fit authority ${JSON.stringify(kid)}: ${mismatch}`);
  let ok: boolean;
  try {
    ok = verifyJws(alg, key, d.signingInput, d.signature);
  } catch (err) {
    throw new JwtSvidVerificationError('jwtsvid: the signature could not be verified', { cause: err });
  }
  if (!ok) throw new JwtSvidVerificationError(`jwtsvid: the ${alg} signature does not verify with authority ${JSON.stringify(kid)}`);

  const { exp, nbf, audience } = d.checked;
  // RFC 7519 §4.1.4: the current time MUST be before exp; §4.1.5: not before nbf.
  if (nowSeconds - skew >= exp) {
    throw new JwtSvidExpiredError(`jwtsvid: token expired at ${new Date(exp * 1000).toISOString()} (now ${options.now.toISOString()}, skew ${skew}s)`);
  }
  if (nbf !== undefined && nowSeconds + skew < nbf) {
    throw new JwtSvidExpiredError(`jwtsvid: token is not valid before ${new Date(nbf * 1000).toISOString()} (now ${options.now.toISOString()}, skew ${skew}s)`);
  }
  // JWT-SVID §3.2: reject when the value the validator identifies with is not an aud element.
  if (!audience.some((a) => expected.includes(a))) {
    throw new JwtSvidAudienceError(`jwtsvid: claim "aud" ${JSON.stringify(audience)} does not contain the expected audience ${JSON.stringify(expected)}`);
  }
  return buildSvid(d, token);
}

function checkOptions(options: JwtSvidValidationOptions): { expected: readonly string[]; nowSeconds: number; skew: number } {
  if (typeof options !== 'object' || options === null) throw new TypeError('jwtsvid: options { audience, now } are required');
  const expected = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (!Array.isArray(expected) || expected.length === 0 || !expected.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new TypeError('jwtsvid: options.audience must be a non-empty string or a non-empty array of them');
  }
  const t = options.now instanceof Date ? options.now.getTime() : NaN;
  if (Number.isNaN(t)) throw new TypeError('jwtsvid: options.now must be a valid Date');
  const skew = options.clockSkewSeconds ?? 0;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0 || skew > MAX_CLOCK_SKEW_SECONDS) {
    throw new TypeError(`jwtsvid: options.clockSkewSeconds must be from 0 to ${MAX_CLOCK_SKEW_SECONDS}`);
  }
  return { expected, nowSeconds: t / 1000, skew };
}
