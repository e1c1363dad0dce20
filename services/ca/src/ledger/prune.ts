/**
 * Keeping the issuance ledger short: rows of SVIDs that expired more than the retention ago are
 * of no further use (nothing to re-issue after a taint), so the rotating replica deletes them.
 * @module
 */
import { pruneIssuances, type Db } from '@signet/datastore';
import type { Logger } from '@signet/platform';

/**
 * Deletes the ledger rows of SVIDs that expired before `now - retentionMs`; returns how many.
 *
 * @example
 * ```ts
 * if ((await manager.tick()).leader) await pruneExpiredIssuances(db, clock.now(), 3_600_000, logger);
 * ```
 */
export async function pruneExpiredIssuances(db: Db, now: Date, retentionMs: number, logger: Logger): Promise<number> {
  const before = new Date(now.getTime() - retentionMs);
  const deleted = await pruneIssuances(db, before);
  if (deleted > 0) logger.debug({ deleted, before: before.toISOString() }, 'ca: issuance ledger pruned');
  return deleted;
}
