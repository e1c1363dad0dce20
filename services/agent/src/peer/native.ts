/**
 * The agent's native peer-credentials addon (`native/peercred.c`), loaded on first use.
 * @module
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { PeerCredentials } from './types.js';

/** What `peercred.node` exports. Every function throws an `Error` with `errno` and `code` on failure. */
export interface PeerCredAddon {
  /** The peer's pid, uid and gid as of `connect()` (SO_PEERCRED). */
  peerCredentials(fd: number): PeerCredentials;
  /** A pidfd of the exact process that connected (SO_PEERPIDFD), or -1 when the kernel lacks it (< 6.5). */
  peerPidfd(fd: number): number;
  /** A pidfd of the process `pid` now (pidfd_open), or -1 when there is no such process. */
  pidfdOpen(pid: number): number;
  /** Whether the process of `pidfd` still exists (pidfd_send_signal with signal 0). */
  pidfdAlive(pidfd: number): boolean;
  closeFd(fd: number): void;
}

/** The built addon, relative to this module (`src/peer/` and `dist/peer/` are both two levels below the package). */
const ADDON_URL = new URL('../../native/build/peercred.node', import.meta.url);

let loaded: PeerCredAddon | undefined;

/**
 * The peer-credentials addon. Throws a clear error when it has not been built (or cannot load on
 * this platform); the agent cannot serve workloads without it.
 */
export function peerCredAddon(): PeerCredAddon {
  if (loaded !== undefined) return loaded;
  const path = fileURLToPath(ADDON_URL);
  try {
    loaded = createRequire(import.meta.url)(path) as PeerCredAddon;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'MODULE_NOT_FOUND' ? `${path} does not exist` : `${path} did not load: ${(err as Error).message}`;
    throw new Error(`the agent's peer-credentials addon is not built; run \`make build\` (${reason})`, { cause: err });
  }
  return loaded;
}
