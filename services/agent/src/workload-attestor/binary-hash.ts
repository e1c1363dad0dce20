/**
 * SHA-256 of a process's executable, read through `/proc/<pid>/exe` (the file the process runs,
 * even when its path has since been replaced or deleted), with a size limit and a cache keyed by
 * the file's identity so a busy workload's binary is hashed once.
 * @module
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

/** Options of {@link createBinaryHasher}. */
export interface BinaryHasherOptions {
  /** Where procfs is mounted (default `/proc`). */
  readonly procRoot?: string;
  /** Executables larger than this many bytes are not hashed (default 256 MiB). */
  readonly maxBytes?: number;
  /** How many hashes are remembered (default 256). */
  readonly cacheSize?: number;
}

/** Hashes executables of processes. */
export interface BinaryHasher {
  /**
   * The hex SHA-256 of process `pid`'s executable, or `undefined` when it is larger than the limit
   * or may not be read (another user's process and no privilege). Throws `ENOENT`/`ESRCH` errors
   * when the process is gone.
   */
  sha256(pid: number): Promise<string | undefined>;
}

const READ_CHUNK = 1 << 20;

/** Creates a {@link BinaryHasher}. */
export function createBinaryHasher(options: BinaryHasherOptions = {}): BinaryHasher {
  const procRoot = options.procRoot ?? '/proc';
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const cacheSize = options.cacheSize ?? 256;
  const cache = new Map<string, string>();

  return {
    async sha256(pid) {
      let file;
      try {
        file = await open(join(procRoot, String(pid), 'exe'), 'r');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM') return undefined;
        throw err;
      }
      try {
        const stats = await file.stat({ bigint: true });
        if (stats.size > BigInt(maxBytes)) return undefined;
        const key = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
        const known = cache.get(key);
        if (known !== undefined) return known;
        const hash = createHash('sha256');
        const buffer = Buffer.allocUnsafe(READ_CHUNK);
        let total = 0;
        for (;;) {
          const { bytesRead } = await file.read(buffer, 0, READ_CHUNK, null);
          if (bytesRead === 0) break;
          total += bytesRead;
          if (total > maxBytes) return undefined;
          hash.update(buffer.subarray(0, bytesRead));
        }
        const hex = hash.digest('hex');
        cache.set(key, hex);
        if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
        return hex;
      } finally {
        await file.close();
      }
    },
  };
}
