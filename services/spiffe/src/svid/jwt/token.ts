/**
 * Splitting and decoding a JWT-SVID in JWS Compact Serialization (JWT-SVID §5.1, RFC 7515 §7.1),
 * with the header rules of JWT-SVID §2 and the claim shapes of §3. No key is involved here.
 * @internal
 */
import { JwtSvidInvalidError } from '../../errors.js';
import { decodeBase64url } from '../../internal/base64url.js';
import { isJsonObject, readJson, type JsonObject } from '../../internal/json.js';
import { JWT_SVID_ALGORITHMS, isJwtSvidAlgorithm } from './algorithms.js';
import { readClaims, type JwtSvidClaims } from './claims.js';
import type { JwtSvidHeader } from './svid.js';

/** Longest token accepted, in characters; far above any real JWT-SVID, well below abuse. */
export const MAX_JWT_SVID_LENGTH = 64 * 1024;

/** The header members JWT-SVID §2 allows; any other "MUST NOT be included". */
const HEADER_MEMBERS = new Set(['alg', 'kid', 'typ']);

/** A token split, decoded and shape-checked, but not verified. */
export interface DecodedJwtSvid {
  readonly header: JwtSvidHeader;
  readonly claims: JsonObject;
  readonly checked: JwtSvidClaims;
  /** `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes that were signed. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

/**
 * Decodes `token`. Throws `TypeError` when it is not a string and {@link JwtSvidInvalidError}
 * naming the part and rule when it is not a compact JWS with exactly three parts, a part is not
 * canonical base64url or strict JSON (duplicate member names are refused), the header breaks
 * JWT-SVID §2, or a claim breaks §3.
 */
export function decodeJwtSvid(token: string): DecodedJwtSvid {
  if (typeof token !== 'string') throw new TypeError('jwtsvid: the token must be a string');
  if (token.length === 0) throw new JwtSvidInvalidError('jwtsvid: the token is empty');
  if (token.length > MAX_JWT_SVID_LENGTH) {
    throw new JwtSvidInvalidError(`jwtsvid: the token is ${token.length} characters long; at most ${MAX_JWT_SVID_LENGTH} are accepted`);
  }
  const dot1 = token.indexOf('.');
  const dot2 = dot1 === -1 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 === -1 || token.indexOf('.', dot2 + 1) !== -1) {
    const form = token.trimStart().startsWith('{') ? 'JWS JSON Serialization is not allowed; ' : '';
    throw new JwtSvidInvalidError(`jwtsvid: ${form}a JWT-SVID must be in JWS Compact Serialization, three base64url parts separated by "." (JWT-SVID §5.1)`);
  }
  const header = readHeader(token.slice(0, dot1));
  const claims = readPart(token.slice(dot1 + 1, dot2), 'payload');
  const checked = readClaims(claims);
  const sigText = token.slice(dot2 + 1);
  if (sigText.length === 0) throw new JwtSvidInvalidError('jwtsvid: the signature part is empty');
  const signature = decodeBase64url(sigText, 'jwtsvid: signature', JwtSvidInvalidError);
  return { header, claims, checked, signingInput: Buffer.from(token.slice(0, dot2), 'latin1'), signature };
}

function readPart(text: string, name: 'header' | 'payload'): JsonObject {
  const bytes = decodeBase64url(text, `jwtsvid: ${name}`, JwtSvidInvalidError);
  const v = readJson(bytes, { Err: JwtSvidInvalidError, what: `jwtsvid: ${name}`, maxDepth: 32 });
  if (!isJsonObject(v)) throw new JwtSvidInvalidError(`jwtsvid: the ${name} must be a JSON object`);
  return v;
}

function readHeader(text: string): JwtSvidHeader {
  const h = readPart(text, 'header');
  const alg = h['alg'];
  // JWT-SVID §2.1 and §4: alg must be one of the listed values before anything else is processed.
  if (!isJwtSvidAlgorithm(alg)) {
    const got = alg === undefined ? 'missing' : JSON.stringify(alg);
    throw new JwtSvidInvalidError(`jwtsvid: header "alg" is ${got}; it must be one of ${JWT_SVID_ALGORITHMS.join(', ')} (JWT-SVID §2.1)`);
  }
  for (const name of Object.keys(h)) {
    if (!HEADER_MEMBERS.has(name)) {
      throw new JwtSvidInvalidError(`jwtsvid: header member ${JSON.stringify(name)} is not allowed; only "alg", "kid" and "typ" are (JWT-SVID §2)`);
    }
  }
  const kid = h['kid'];
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0)) {
    throw new JwtSvidInvalidError('jwtsvid: header "kid" must be a non-empty string (JWT-SVID §2.2)');
  }
  const typ = h['typ'];
  if (typ !== undefined && typ !== 'JWT' && typ !== 'JOSE') {
    throw new JwtSvidInvalidError(`jwtsvid: header "typ" is ${JSON.stringify(typ)}; it must be "JWT" or "JOSE" when present (JWT-SVID §2.3)`);
  }
  return Object.freeze({ alg, ...(kid !== undefined && { kid }), ...(typ !== undefined && { typ }) });
}
