/**
 * The key manager plugin interface: where the CA's private keys live. Built-ins: `memory`
 * (keys die with the process) and `disk` (one PKCS#8 file per key). A KMS-backed manager fits
 * the same interface later.
 *
 * Private keys never leave the CA's process: a {@link ManagedKey} hands out a {@link KeySigner}
 * whose `KeyObject` is for in-process signing only; it serialises to a placeholder, so a key
 * logged or sent by mistake shows no secret.
 * @module
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { keyTypeOf, type KeyType } from './key-types.js';

/** Signs with a managed private key, in this process only. */
export interface KeySigner {
  /** The private key, for `crypto.sign` and the `@signet/spiffe` minters. Never serialise it. */
  readonly privateKey: KeyObject;
}

/** A key held by a {@link KeyManager}. */
export interface ManagedKey {
  /** The key's id in its manager (stored as an authority's `key_ref`). */
  readonly id: string;
  readonly keyType: KeyType;
  /** The public key, DER SubjectPublicKeyInfo. */
  readonly publicKey: Uint8Array;
  readonly signer: KeySigner;
}

/**
 * Where the CA's private keys are generated and kept.
 *
 * @example
 * ```ts
 * const key = await keyManager.generateKey('x509-1f0c…', 'ec-p256');
 * const again = await keyManager.getKey(key.id); // same key, also after a restart (disk)
 * await keyManager.deleteKey(key.id);
 * ```
 */
export interface KeyManager {
  /** A short name for logs and metrics: `memory`, `disk`. */
  readonly name: string;
  /** Generates and stores a new key; rejects when `id` is taken or not a valid key id. */
  generateKey(id: string, keyType: KeyType): Promise<ManagedKey>;
  /** The key with this id, or `undefined` when the manager has none. */
  getKey(id: string): Promise<ManagedKey | undefined>;
  /** Forgets the key; deleting a key that does not exist does nothing. */
  deleteKey(id: string): Promise<void>;
}

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws a `TypeError` unless `id` is a key id: 1–128 of `A-Z a-z 0-9 . _ -`, not starting with a dot, `_` or `-`. */
export function checkKeyId(id: string): string {
  if (typeof id !== 'string' || !KEY_ID.test(id)) {
    throw new TypeError(`key id ${JSON.stringify(id)} is invalid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
  return id;
}

class Signer implements KeySigner {
  readonly #key: KeyObject;

  constructor(key: KeyObject) {
    this.#key = key;
  }

  get privateKey(): KeyObject {
    return this.#key;
  }

  toJSON(): string {
    return '[private key]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'KeySigner [private key]';
  }
}

/**
 * Wraps a private key as a {@link ManagedKey}. Throws a `TypeError` when the key is not private
 * or not of a supported {@link KeyType}, or is not of `expected` when given.
 */
export function managedKey(id: string, privateKey: KeyObject, expected?: KeyType): ManagedKey {
  if (privateKey.type !== 'private') throw new TypeError(`key ${id}: expected a private key`);
  const keyType = keyTypeOf(privateKey);
  if (keyType === undefined) throw new TypeError(`key ${id}: unsupported key (${privateKey.asymmetricKeyType ?? 'secret'})`);
  if (expected !== undefined && keyType !== expected) throw new TypeError(`key ${id}: is ${keyType}, expected ${expected}`);
  const publicKey = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
  return Object.freeze({ id, keyType, publicKey, signer: new Signer(privateKey) });
}
