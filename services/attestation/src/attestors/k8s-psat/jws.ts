/**
 * Compact JWS (RFC 7515) decoding and signature verification for Kubernetes service-account
 * tokens, with `node:crypto`. Only asymmetric algorithms are accepted (RS*, PS*, ES*); `none`
 * and HMAC are refused.
 * @module
 */
import { constants, verify, type KeyObject } from 'node:crypto';

/** The algorithms accepted for service-account tokens. */
export const JWS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

/** One of {@link JWS_ALGORITHMS}. */
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

/** Longest token accepted, in characters. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** A decoded (not yet verified) compact JWS. */
export interface DecodedJws {
  readonly header: { readonly alg: string; readonly kid?: string; readonly [key: string]: unknown };
  readonly claims: Readonly<Record<string, unknown>>;
  /** `base64url(header) "." base64url(payload)`: what the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** Why a token could not be decoded; its message never contains the token. */
export class JwsFormatError extends Error {
  override readonly name = 'JwsFormatError';
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes a compact JWS without verifying it. Throws {@link JwsFormatError}. */
export function decodeJws(token: string): DecodedJws {
  if (token.length > MAX_TOKEN_LENGTH) throw new JwsFormatError(`the token is longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) {
    throw new JwsFormatError('the token is not a compact JWS (three base64url parts)');
  }
  const [h, p, s] = parts as [string, string, string];
  const header = parseJsonObject(h, 'header');
  const claims = parseJsonObject(p, 'payload');
  if (typeof header['alg'] !== 'string') throw new JwsFormatError('the token header has no "alg"');
  if (header['kid'] !== undefined && typeof header['kid'] !== 'string') throw new JwsFormatError('the token header "kid" is not a string');
  return {
    header: header as DecodedJws['header'],
    claims,
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

/** Whether `jws` is signed by `key` with an accepted algorithm that fits the key type. */
export function verifyJwsSignature(jws: DecodedJws, key: KeyObject): boolean {
  const alg = jws.header.alg;
  if (!(JWS_ALGORITHMS as readonly string[]).includes(alg)) return false;
  const family = alg.slice(0, 2);
  const hash = `sha${alg.slice(2)}`;
  const type = key.asymmetricKeyType;
  const data = Buffer.from(jws.signingInput, 'ascii');
  try {
    if (family === 'RS' && type === 'rsa') return verify(hash, data, key, jws.signature);
    if (family === 'PS' && (type === 'rsa' || type === 'rsa-pss')) {
      return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jws.signature);
    }
    if (family === 'ES' && type === 'ec') {
      const curve = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }[alg];
      if (key.asymmetricKeyDetails?.namedCurve !== curve) return false;
      return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
    }
  } catch {
    return false;
  }
  return false;
}

function parseJsonObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwsFormatError(`the token ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwsFormatError(`the token ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}
