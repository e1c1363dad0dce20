/**
 * The `disk` key manager: one PKCS#8 PEM file per key in a directory of its own
 * (`<data_dir>/keys/`), so a restarted CA resumes with the same keys.
 *
 * - The directory is created with mode 0700 (and tightened to 0700 when it exists).
 * - A key file is written with mode 0600 to a temporary name, flushed to disk, then hard-linked
 *   to `<id>.pem` (which fails rather than overwrite an existing key) and the temporary name is
 *   removed; the directory is flushed too. A crash leaves either no key or the whole key.
 * - Files readable by group or others are refused when loading.
 * - Keys are not encrypted at rest: the file mode and the host are the protection. Replicas on
 *   one host may share the directory (each loads a key the first time it needs it); replicas on
 *   several hosts need a shared key manager (a KMS), since keys never travel between processes.
 * @module
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { checkKeyId, managedKey, type KeyManager, type ManagedKey } from './key-manager.js';
import { generatePrivateKey, type KeyType } from './key-types.js';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Keys as files in one directory.
 *
 * @example
 * ```ts
 * const keys = await DiskKeyManager.open(join(config.data_dir, 'keys'));
 * const key = await keys.generateKey('x509-1f0c', 'ec-p256'); // writes keys/x509-1f0c.pem (0600)
 * ```
 */
export class DiskKeyManager implements KeyManager {
  readonly name = 'disk';
  readonly #dir: string;
  readonly #cache = new Map<string, ManagedKey>();

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Creates the directory (0700) when missing, tightens its mode, and returns the manager. */
  static async open(dir: string): Promise<DiskKeyManager> {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const info = await stat(dir);
    if (!info.isDirectory()) throw new Error(`key directory ${dir} is not a directory`);
    if ((info.mode & 0o777) !== DIR_MODE) await chmod(dir, DIR_MODE);
    return new DiskKeyManager(dir);
  }

  /** The directory holding the key files. */
  get directory(): string {
    return this.#dir;
  }

  async generateKey(id: string, keyType: KeyType): Promise<ManagedKey> {
    const file = this.#file(id);
    const privateKey = await generatePrivateKey(keyType);
    const key = managedKey(id, privateKey, keyType);
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
    const tmp = join(this.#dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(tmp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(pem);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`key ${id} already exists`, { cause: err });
      throw err;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    await this.#syncDir();
    this.#cache.set(id, key);
    return key;
  }

  async getKey(id: string): Promise<ManagedKey | undefined> {
    const cached = this.#cache.get(id);
    if (cached !== undefined) return cached;
    const file = this.#file(id);
    let pem: string;
    try {
      const info = await stat(file);
      if ((info.mode & 0o077) !== 0) {
        throw new Error(`key file ${file} is accessible by group or others (mode ${(info.mode & 0o777).toString(8)}); expected 600`);
      }
      pem = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let key: ManagedKey;
    try {
      key = managedKey(id, createPrivateKey(pem));
    } catch (err) {
      // The cause may quote the file; keep it out of the message and do not attach it.
      throw new Error(`key file ${file} does not hold a supported PKCS#8 private key (${(err as Error).name})`);
    }
    this.#cache.set(id, key);
    return key;
  }

  async deleteKey(id: string): Promise<void> {
    const file = this.#file(id);
    this.#cache.delete(id);
    try {
      await unlink(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await this.#syncDir();
  }

  #file(id: string): string {
    return join(this.#dir, `${checkKeyId(id)}.pem`);
  }

  async #syncDir(): Promise<void> {
    const handle = await open(this.#dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
