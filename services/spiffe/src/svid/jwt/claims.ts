/**
 * The registered claims JWT-SVID constrains (JWT-SVID §3, JWT-SVID.schema), checked for shape.
 * Whether the times and audience are acceptable is decided by the validator, not here.
 * @internal
 */
import { JwtSvidInvalidError, SpiffeIdInvalidError } from '../../errors.js';
import { SpiffeId } from '../../id/spiffe-id.js';
import type { JsonObject } from '../../internal/json.js';

/** Farthest time a JavaScript `Date` can hold, in seconds (ECMA-262 §21.4.1.1). */
const MAX_SECONDS = 8.64e12;

/** The constrained claims of a JWT-SVID, in usable form. */
export interface JwtSvidClaims {
  readonly id: SpiffeId;
  readonly audience: readonly string[];
  /** `exp`, in seconds since the epoch. */
  readonly exp: number;
  readonly iat: number | undefined;
  readonly nbf: number | undefined;
}

/**
 * Checks `sub` (a SPIFFE ID, §3.1), `aud` (a string or a non-empty array of strings, §3.2), `exp`
 * (an integer NumericDate, §3.3), and the shape of `iat`, `nbf` and `iss` when present.
 * Throws {@link JwtSvidInvalidError} naming the claim.
 */
export function readClaims(claims: JsonObject): JwtSvidClaims {
  const sub = claims['sub'];
  if (typeof sub !== 'string') throw new JwtSvidInvalidError('jwtsvid: claim "sub" is required and must be a SPIFFE ID string (JWT-SVID §3.1)');
  let id: SpiffeId;
  try {
    id = SpiffeId.parse(sub);
  } catch (err) {
    if (!(err instanceof SpiffeIdInvalidError)) throw err;
    throw new JwtSvidInvalidError(`jwtsvid: claim "sub" is not a valid SPIFFE ID: ${err.message}`, { cause: err });
  }
  const audience = readAudience(claims['aud']);
  const exp = claims['exp'];
  if (exp === undefined) throw new JwtSvidInvalidError('jwtsvid: claim "exp" is required (JWT-SVID §3.3)');
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp) || Math.abs(exp) > MAX_SECONDS) {
    throw new JwtSvidInvalidError('jwtsvid: claim "exp" must be an integer number of seconds since the epoch (JWT-SVID §3.3)');
  }
  const iat = readNumericDate(claims, 'iat');
  const nbf = readNumericDate(claims, 'nbf');
  if (claims['iss'] !== undefined && typeof claims['iss'] !== 'string') throw new JwtSvidInvalidError('jwtsvid: claim "iss" must be a string');
  return { id, audience, exp, iat, nbf };
}

function readAudience(aud: unknown): readonly string[] {
  if (aud === undefined) throw new JwtSvidInvalidError('jwtsvid: claim "aud" is required (JWT-SVID §3.2)');
  const list = typeof aud === 'string' ? [aud] : aud;
  if (!Array.isArray(list) || list.length === 0) {
    throw new JwtSvidInvalidError('jwtsvid: claim "aud" must be a string or a non-empty array of strings (JWT-SVID §3.2)');
  }
  for (const a of list) {
    if (typeof a !== 'string' || a.length === 0) throw new JwtSvidInvalidError('jwtsvid: every value of claim "aud" must be a non-empty string');
  }
  return Object.freeze([...(list as string[])]);
}

function readNumericDate(claims: JsonObject, name: 'iat' | 'nbf'): number | undefined {
  const v = claims[name];
  if (v === undefined) return undefined;
  // RFC 7519 §2: a NumericDate is a JSON number of seconds, possibly with a fraction.
  if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > MAX_SECONDS) {
    throw new JwtSvidInvalidError(`jwtsvid: claim "${name}" must be a number of seconds since the epoch`);
  }
  return v;
}
