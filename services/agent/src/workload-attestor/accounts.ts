/**
 * User and group names from `/etc/passwd` and `/etc/group`, re-read at most every few seconds.
 * Only the files are read (not NSS): users known only to LDAP or SSSD get no name selectors.
 * @module
 */
import { readFile } from 'node:fs/promises';

/**
 * The name of each id in the text of an `/etc/passwd` (`name:pw:uid:…`) or `/etc/group`
 * (`name:pw:gid:…`) file: the id is the third field in both. Comments, blank lines, NIS `+`/`-`
 * lines and malformed lines are skipped; the first name of an id wins, as with getpwuid(3).
 */
export function parseIdNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const [name, , id] = line.split(':');
    if (name === undefined || name === '' || id === undefined || !/^\d{1,10}$/.test(id)) continue;
    const value = Number(id);
    if (value > 0xffff_ffff || names.has(value)) continue;
    names.set(value, name);
  }
  return names;
}

/** Options of {@link createAccountNames}. */
export interface AccountNamesOptions {
  /** Default `/etc/passwd`. */
  readonly passwdPath?: string;
  /** Default `/etc/group`. */
  readonly groupPath?: string;
  /** How long a file read is used, in milliseconds (default 10 s). */
  readonly ttlMs?: number;
  /** Milliseconds on a monotonic clock (default `performance.now`). */
  readonly now?: () => number;
}

/** Names of user and group ids. */
export interface AccountNames {
  userName(uid: number): Promise<string | undefined>;
  groupName(gid: number): Promise<string | undefined>;
}

/**
 * User and group names read from the account files, each file cached for `ttlMs`. A missing file
 * has no names; other read errors are thrown.
 */
export function createAccountNames(options: AccountNamesOptions = {}): AccountNames {
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? (() => performance.now());
  const users = cachedFile(options.passwdPath ?? '/etc/passwd', ttlMs, now);
  const groups = cachedFile(options.groupPath ?? '/etc/group', ttlMs, now);
  return {
    userName: async (uid) => (await users()).get(uid),
    groupName: async (gid) => (await groups()).get(gid),
  };
}

function cachedFile(path: string, ttlMs: number, now: () => number): () => Promise<Map<number, string>> {
  let cached: { readonly at: number; readonly names: Promise<Map<number, string>> } | undefined;
  return () => {
    const at = now();
    if (cached !== undefined && at - cached.at < ttlMs) return cached.names;
    const names = readNames(path);
    const entry = { at, names };
    cached = entry;
    // A failed read is not kept: the next call tries again.
    names.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return names;
  };
}

async function readNames(path: string): Promise<Map<number, string>> {
  try {
    return parseIdNames(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
}
