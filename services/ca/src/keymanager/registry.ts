/**
 * The built-in key managers, by config name.
 * @module
 */
import { join } from 'node:path';
import { DiskKeyManager } from './disk.js';
import type { KeyManager } from './key-manager.js';
import { MemoryKeyManager } from './memory.js';

/** Names of the built-in key managers (`ca.key_manager`). */
export const KEY_MANAGERS = ['memory', 'disk'] as const;

/** One of {@link KEY_MANAGERS}. */
export type KeyManagerName = (typeof KEY_MANAGERS)[number];

/**
 * Creates a built-in key manager: `memory`, or `disk` keeping keys in `<dataDir>/keys`.
 *
 * @example
 * ```ts
 * const keyManager = await createKeyManager('disk', config.data_dir);
 * ```
 */
export async function createKeyManager(name: KeyManagerName, dataDir: string): Promise<KeyManager> {
  switch (name) {
    case 'memory':
      return new MemoryKeyManager();
    case 'disk':
      return DiskKeyManager.open(join(dataDir, 'keys'));
    default:
      throw new TypeError(`unknown key manager ${JSON.stringify(name)}; expected one of ${KEY_MANAGERS.join(', ')}`);
  }
}
