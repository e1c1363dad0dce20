/**
 * The `unix` workload attestor, like SPIRE's: the process's ids and their names, its executable's
 * path and, optionally, the executable's SHA-256.
 * @module
 */
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '@signet/platform';
import type { Selector } from '../domain/selectors.js';
import type { WorkloadPeer } from '../peer/types.js';
import { createAccountNames, type AccountNames } from './accounts.js';
import { createBinaryHasher } from './binary-hash.js';
import { isProcessGoneError, processGone } from './process-gone.js';
import { effectiveId, parseProcStatus } from './proc-status.js';
import type { WorkloadAttestor } from './types.js';

/** Options of {@link createUnixAttestor}. */
export interface UnixAttestorOptions {
  /** Where procfs is mounted (default `/proc`). */
  readonly procRoot?: string;
  /** Default `/etc/passwd`. */
  readonly passwdPath?: string;
  /** Default `/etc/group`. */
  readonly groupPath?: string;
  /** How long the account files are cached, in milliseconds (default 10 s). */
  readonly accountsTtlMs?: number;
  /** Whether to add `sha256:<hex>` of the executable (default false: it reads the whole binary once per binary). */
  readonly hashBinary?: boolean;
  /** Executables larger than this many bytes get no `sha256` selector (default 256 MiB). */
  readonly hashMaxBytes?: number;
  /** Milliseconds on a monotonic clock, for the caches (default `performance.now`). */
  readonly now?: () => number;
}

const TYPE = 'unix';

/**
 * Creates the `unix` attestor. Its selectors: `pid:<pid>`, `uid:<effective uid>`, `user:<name>`,
 * `gid:<effective gid>`, `group:<name>`, `supplementary_gid:<gid>` and
 * `supplementary_group:<name>` for each supplementary group, `path:<executable>` and, with
 * `hashBinary`, `sha256:<hex>`. Ids come from `/proc/<pid>/status` (the kernel's peer credentials
 * when a line is missing); names from the account files, when listed there. The path and hash are
 * left out when the agent may not read the process's executable (another user's, no privilege).
 * Throws `ApiError('permission_denied')` when the process has exited.
 */
export function createUnixAttestor(options: UnixAttestorOptions = {}): WorkloadAttestor {
  const procRoot = options.procRoot ?? '/proc';
  const names: AccountNames = createAccountNames({
    ...(options.passwdPath !== undefined && { passwdPath: options.passwdPath }),
    ...(options.groupPath !== undefined && { groupPath: options.groupPath }),
    ...(options.accountsTtlMs !== undefined && { ttlMs: options.accountsTtlMs }),
    ...(options.now !== undefined && { now: options.now }),
  });
  const hasher = options.hashBinary === true ? createBinaryHasher({ procRoot, maxBytes: options.hashMaxBytes ?? 256 * 1024 * 1024 }) : undefined;

  return {
    type: TYPE,
    async attest(peer: WorkloadPeer): Promise<Selector[]> {
      const { pid } = peer.credentials;
      if (!Number.isInteger(pid) || pid <= 0) {
        throw new ApiError('permission_denied', 'the kernel did not report the pid of the calling process (is it in another pid namespace?)');
      }
      const dir = join(procRoot, String(pid));
      const [status, path, sha256] = await Promise.all([
        readFile(join(dir, 'status'), 'utf8').catch(gone),
        readlink(join(dir, 'exe')).then(executablePath, unreadable),
        hasher?.sha256(pid).catch(gone),
      ]);
      const ids = parseProcStatus(status);
      const uid = effectiveId(ids.uids) ?? peer.credentials.uid;
      const gid = effectiveId(ids.gids) ?? peer.credentials.gid;
      const [user, group, groupNames] = await Promise.all([
        names.userName(uid),
        names.groupName(gid),
        Promise.all(ids.groups.map((g) => names.groupName(g))),
      ]);

      const values: string[] = [`pid:${pid}`, `uid:${uid}`];
      if (user !== undefined) values.push(`user:${user}`);
      values.push(`gid:${gid}`);
      if (group !== undefined) values.push(`group:${group}`);
      ids.groups.forEach((g, i) => {
        values.push(`supplementary_gid:${g}`);
        const name = groupNames[i];
        if (name !== undefined) values.push(`supplementary_group:${name}`);
      });
      if (path !== undefined) values.push(`path:${path}`);
      if (sha256 !== undefined) values.push(`sha256:${sha256}`);
      return [...new Set(values)].map((value) => ({ type: TYPE, value }));
    },
  };
}

/** The executable path of a `/proc/<pid>/exe` link's target, without the kernel's ` (deleted)` mark. */
export function executablePath(target: string): string {
  const deleted = ' (deleted)';
  return target.endsWith(deleted) ? target.slice(0, -deleted.length) : target;
}

function gone(err: unknown): never {
  if (isProcessGoneError(err)) throw processGone(err);
  throw err;
}

/** `readlink` of another user's `/proc/<pid>/exe` fails without privilege: no path selector then. */
function unreadable(err: unknown): undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return undefined;
  return gone(err);
}
