import { generateKeyPairSync, type KeyObject } from 'node:crypto';

/** Key types test certificates can use. */
export type TestKeyType = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'rsa-4096';

/** A freshly generated key pair. */
export interface TestKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/**
 * Generates a key pair of `type` (default EC P-256). RSA keys are slow to generate (4096-bit ones
 * take about a second); share them across tests when you can.
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = generateTestKey('ec-p384');
 * ```
 */
export function generateTestKey(type: TestKeyType = 'ec-p256'): TestKeyPair {
  switch (type) {
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ec-p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'rsa-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa-4096':
      return generateKeyPairSync('rsa', { modulusLength: 4096 });
    default:
      throw new TypeError(`unknown test key type "${String(type)}"`);
  }
}
