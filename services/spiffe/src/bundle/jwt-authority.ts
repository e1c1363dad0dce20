/**
 * Which public keys may be JWT authorities: keys that a JWT-SVID algorithm can verify with and
 * that a JWK can express.
 * @internal
 */
import type { KeyObject } from 'node:crypto';
import { MIN_RSA_MODULUS_BITS } from '../svid/jwt/algorithms.js';

const CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/**
 * Why `key` cannot be a JWT authority, or `undefined` when it can: it must be an EC P-256, P-384 or
 * P-521 key (ES256/384/512, RFC 7518 §3.4), or an RSA key of at least 2048 bits (§3.3, §3.5).
 */
export function jwtAuthorityProblem(key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (type === 'ec') {
    return CURVES.has(details?.namedCurve ?? '') ? undefined : `a JWT authority EC key must be on P-256, P-384 or P-521 (got ${details?.namedCurve})`;
  }
  if (type === 'rsa') {
    const bits = details?.modulusLength ?? 0;
    return bits >= MIN_RSA_MODULUS_BITS ? undefined : `a JWT authority RSA key must have at least ${MIN_RSA_MODULUS_BITS} bits (got ${bits})`;
  }
  return `a JWT authority must be an EC or RSA key, not ${type === undefined ? 'a secret key' : `a key of type "${type}"`}`;
}
