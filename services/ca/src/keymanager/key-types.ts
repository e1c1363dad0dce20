/**
 * The key types Signet's CA generates, and how each is generated.
 * @module
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';

/** The key types the CA supports, for X.509 CA keys, JWT signing keys and (as the agents' default) SVID keys. */
export const KEY_TYPES = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-4096'] as const;

/** One of {@link KEY_TYPES}. */
export type KeyType = (typeof KEY_TYPES)[number];

/** True when `value` names a supported key type. */
export function isKeyType(value: unknown): value is KeyType {
  return typeof value === 'string' && (KEY_TYPES as readonly string[]).includes(value);
}

/**
 * Generates a private key of `keyType` on the libuv thread pool (RSA-4096 takes a second or more;
 * the event loop keeps serving meanwhile). The asynchronous generator also avoids a deadlock seen
 * with `generateKeyPairSync` followed by a JWK export on Node 20.
 *
 * @example
 * ```ts
 * const privateKey = await generatePrivateKey('ec-p256');
 * ```
 */
export function generatePrivateKey(keyType: KeyType): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, _publicKey: KeyObject, privateKey: KeyObject): void => {
      if (err) reject(err);
      else resolve(privateKey);
    };
    switch (keyType) {
      case 'ec-p256':
        generateKeyPair('ec', { namedCurve: 'P-256' }, done);
        return;
      case 'ec-p384':
        generateKeyPair('ec', { namedCurve: 'P-384' }, done);
        return;
      case 'rsa-2048':
        generateKeyPair('rsa', { modulusLength: 2048 }, done);
        return;
      case 'rsa-4096':
        generateKeyPair('rsa', { modulusLength: 4096 }, done);
        return;
      default:
        reject(new TypeError(`unknown key type ${JSON.stringify(keyType)}; expected one of ${KEY_TYPES.join(', ')}`));
    }
  });
}

/** The {@link KeyType} of a private or public key, or `undefined` when it is none of them. */
export function keyTypeOf(key: KeyObject): KeyType | undefined {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') {
    if (details?.namedCurve === 'prime256v1') return 'ec-p256';
    if (details?.namedCurve === 'secp384r1') return 'ec-p384';
    return undefined;
  }
  if (key.asymmetricKeyType === 'rsa') {
    if (details?.modulusLength === 2048) return 'rsa-2048';
    if (details?.modulusLength === 4096) return 'rsa-4096';
  }
  return undefined;
}
