/**
 * One process per embedded database directory.
 *
 * PGlite has no server to arbitrate access: two processes (or two instances
 * in one process) opening the same data directory would corrupt it. A lock
 * file next to the directory (`<pgdata>.lock`, holding the owner's pid)
 * refuses a second opener; a lock left by a process that no longer runs is
 * taken over.
 * @module
 */
import { open, readFile, rm } from 'node:fs/promises';
import { UnavailableError } from '../errors.js';

/** Releases a lock taken by {@link lockDataDir}. */
export type ReleaseLock = () => Promise<void>;

/** Takes the lock of `pgdataDir`, or fails with `UnavailableError` naming the process holding it. */
export async function lockDataDir(pgdataDir: string): Promise<ReleaseLock> {
  const lockPath = `${pgdataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`, 'utf8');
      } finally {
        await handle.close();
      }
      return async () => {
        await rm(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UnavailableError(`${lockPath}: cannot create the lock file: ${String(err)}`, { cause: err });
      }
    }
    const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
      throw new UnavailableError(
        `${pgdataDir}: the embedded database is in use by process ${holder} (lock file ${lockPath}); only one process may open it`,
        { field: 'dataDir' },
      );
    }
    await rm(lockPath, { force: true });
  }
  throw new UnavailableError(`${lockPath}: could not take the lock (another process keeps re-creating it)`, { field: 'dataDir' });
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
