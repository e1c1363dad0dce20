/**
 * The `memory` key manager: keys live in this process and die with it. For tests and for
 * throw-away single-process installs; after a restart the CA cannot sign with its authorities
 * and rotates to new ones.
 * @module
 */
import { checkKeyId, managedKey, type KeyManager, type ManagedKey } from './key-manager.js';
import { generatePrivateKey, type KeyType } from './key-types.js';

/**
 * Keeps keys in a map.
 *
 * @example
 * ```ts
 * const keys = new MemoryKeyManager();
 * const key = await keys.generateKey('jwt-1', 'ec-p256');
 * ```
 */
export class MemoryKeyManager implements KeyManager {
  readonly name = 'memory';
  readonly #keys = new Map<string, ManagedKey>();

  async generateKey(id: string, keyType: KeyType): Promise<ManagedKey> {
    checkKeyId(id);
    if (this.#keys.has(id)) throw new Error(`key ${id} already exists`);
    const key = managedKey(id, await generatePrivateKey(keyType), keyType);
    if (this.#keys.has(id)) throw new Error(`key ${id} already exists`);
    this.#keys.set(id, key);
    return key;
  }

  async getKey(id: string): Promise<ManagedKey | undefined> {
    return this.#keys.get(id);
  }

  async deleteKey(id: string): Promise<void> {
    this.#keys.delete(id);
  }

  /** How many keys are held (for tests and diagnostics). */
  get size(): number {
    return this.#keys.size;
  }
}
