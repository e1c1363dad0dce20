/**
 * Deletes what has expired: registration entries past their `expires_at` (through the same
 * delete as the API, so each deletion is a change event agents see) and join tokens past theirs.
 * Every replica may sweep: a row deleted by another replica is simply not found here.
 * @module
 */
import { listExpiredEntryIds, pruneJoinTokens, type Db } from '@signet/datastore';
import type { Clock, Logger } from '@signet/platform';
import type { EntryService } from './entry-service.js';

/** What one sweep removed. */
export interface SweepResult {
  readonly entries: number;
  readonly joinTokens: number;
}

/** Options of {@link ExpirySweeper}. */
export interface ExpirySweeperOptions {
  readonly db: Db;
  readonly entries: Pick<EntryService, 'delete'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Entries deleted per batch (default 500). */
  readonly batchSize?: number;
}

/** Sweeps expired entries and join tokens, once or on a timer. */
export class ExpirySweeper {
  readonly #o: ExpirySweeperOptions;
  #cancel: (() => void) | undefined;
  #running: Promise<unknown> | undefined;

  constructor(options: ExpirySweeperOptions) {
    this.#o = options;
  }

  /** One sweep now. */
  async sweep(): Promise<SweepResult> {
    const now = this.#o.clock.now();
    const joinTokens = await pruneJoinTokens(this.#o.db, now);
    let entries = 0;
    for (;;) {
      const ids = await listExpiredEntryIds(this.#o.db, now, this.#o.batchSize ?? 500);
      if (ids.length === 0) break;
      const outcomes = await this.#o.entries.delete(ids);
      const deleted = outcomes.filter((o) => o.ok).length;
      entries += deleted;
      if (deleted === 0) break;
    }
    if (entries + joinTokens > 0) this.#o.logger.info({ entries, join_tokens: joinTokens }, 'registrar: deleted expired entries and join tokens');
    return { entries, joinTokens };
  }

  /** Sweeps every `intervalMs` (and once now). */
  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    const tick = (): void => {
      if (this.#running !== undefined) return;
      this.#running = this.sweep()
        .catch((err: unknown) => this.#o.logger.warn({ err }, 'registrar: the expiry sweep failed; retrying at the next interval'))
        .finally(() => (this.#running = undefined));
    };
    this.#cancel = this.#o.clock.setInterval(tick, intervalMs);
    tick();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.#cancel?.();
    await this.#running;
  }
}
