/**
 * Batched writes to the issuance ledger, so that recording every SVID costs the signing path an
 * array push rather than a database round trip.
 *
 * Rows are buffered in chunks of `maxBatch` and written one chunk per multi-row INSERT, as soon
 * as a chunk is full or `flushIntervalMs` after the first row of a chunk, whichever comes first,
 * with up to `maxConcurrentWrites` INSERTs in flight; `close()` writes what is left. **Durability trade-off:** an SVID is returned before its row is committed, so a crash
 * loses the rows of the last `flushIntervalMs` (and those still waiting while the database is
 * unreachable). The ledger serves re-issuance after a taint and expiry sweeps; a lost row means an
 * SVID that is not proactively replaced, which still expires within its short TTL. Signing never
 * waits for, or fails because of, the ledger.
 *
 * A batch refused because its serials are already recorded was committed by an earlier attempt
 * whose reply was lost: it counts as written. The entry, node and authority of a row are history,
 * not references (migrations 0006 and 0007): a row written after its entry was deleted keeps it;
 * rows naming an authority the database does not hold are skipped by the insert (dropped, counted
 * and logged). Other failures are retried after `retryDelayMs`; beyond `maxBuffered` waiting rows the oldest chunks are dropped
 * (counted, and logged at most every 10 s), so an unreachable or overloaded database cannot
 * exhaust memory or slow signing down.
 * @module
 */
import { DatastoreError, recordIssuances, type Db, type IssuanceRecord } from '@signet/datastore';
import type { Cancel, Clock, Logger } from '@signet/platform';

/** Options of {@link LedgerWriter}. */
export interface LedgerWriterOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Write at most this long after a row is buffered (default 25 ms). Each INSERT costs the CA and the
   * database a fixed amount (a round trip, a plan, a commit and its WAL flush) besides its rows:
   * at 20,000 SVIDs a second, 5 ms batches of ~100 rows cost the CA about 4 µs more CPU per SVID than
   * 25 ms batches of ~500 (measured in the `ca` benchmark).
   */
  readonly flushIntervalMs?: number;
  /** Rows per INSERT; a full chunk is written at once (default 1000). */
  readonly maxBatch?: number;
  /** INSERTs in flight at once (default 2). */
  readonly maxConcurrentWrites?: number;
  /** Rows kept while the database fails or lags; older chunks are dropped beyond it (default 100 000). */
  readonly maxBuffered?: number;
  /** Delay before retrying after a failed write (default 1000 ms). */
  readonly retryDelayMs?: number;
  /** Told how many rows were dropped. */
  readonly onDropped?: (rows: number) => void;
}

const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * Buffers ledger rows and writes them in batches.
 *
 * @example
 * ```ts
 * const ledger = new LedgerWriter({ db, clock, logger });
 * ledger.record({ serial, kind: 'x509', spiffeId, entryId, nodeId, authorityId, issuedAt, expiresAt });
 * await ledger.close(); // on shutdown
 * ```
 */
export class LedgerWriter {
  readonly #o: Required<Omit<LedgerWriterOptions, 'onDropped'>> & Pick<LedgerWriterOptions, 'onDropped'>;
  /** Chunks of at most `maxBatch` rows, oldest first; only the last one still grows. */
  readonly #chunks: IssuanceRecord[][] = [];
  #pending = 0;
  readonly #writes = new Set<Promise<void>>();
  #timer: Cancel | undefined;
  /** The armed timer writes at once (a full chunk is waiting). */
  #immediate = false;
  /** A write failed; nothing is written before the retry timer fires. */
  #backingOff = false;
  #droppedSinceLog = 0;
  #lastDropLog = -Infinity;

  constructor(options: LedgerWriterOptions) {
    this.#o = { flushIntervalMs: 25, maxBatch: 1000, maxConcurrentWrites: 2, maxBuffered: 100_000, retryDelayMs: 1000, ...options };
  }

  /** Rows waiting to be written (not counting those being written). */
  get pending(): number {
    return this.#pending;
  }

  /** Buffers one row; it is written within `flushIntervalMs` (unless the database fails). */
  record(row: IssuanceRecord): void {
    const last = this.#chunks[this.#chunks.length - 1];
    if (last !== undefined && last.length < this.#o.maxBatch) last.push(row);
    else this.#chunks.push([row]);
    this.#pending++;
    if (this.#pending > this.#o.maxBuffered) this.#dropOldest();
    this.#schedule();
  }

  /** Writes every row buffered so far; rejects when a write fails (the rows stay buffered). */
  async flush(): Promise<void> {
    this.#cancelTimer();
    while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
    while (this.#chunks.length > 0) await this.#write(this.#takeChunk());
  }

  /** Stops the timers and writes what is left (on failure the rows are logged as lost and counted). */
  async close(): Promise<void> {
    try {
      await this.flush();
    } catch (err) {
      this.#o.logger.error({ err, rows: this.#pending }, 'ca: issuance ledger rows lost at shutdown');
      this.#o.onDropped?.(this.#pending);
      this.#chunks.length = 0;
      this.#pending = 0;
    } finally {
      this.#cancelTimer();
    }
  }

  /** Starts writes when allowed: at once for full chunks, after the interval for a partial one. */
  #schedule(): void {
    if (this.#backingOff || this.#chunks.length === 0 || this.#writes.size >= this.#o.maxConcurrentWrites) return;
    const full = (this.#chunks[0] as IssuanceRecord[]).length >= this.#o.maxBatch;
    if (full) {
      if (!this.#immediate) this.#arm(0);
    } else if (this.#timer === undefined) this.#arm(this.#o.flushIntervalMs);
  }

  #arm(delayMs: number): void {
    this.#cancelTimer();
    this.#immediate = delayMs === 0;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#immediate = false;
      this.#backingOff = false;
      this.#startWrites();
    }, delayMs);
  }

  #cancelTimer(): void {
    this.#timer?.();
    this.#timer = undefined;
    this.#immediate = false;
  }

  #startWrites(): void {
    while (!this.#backingOff && this.#chunks.length > 0 && this.#writes.size < this.#o.maxConcurrentWrites) {
      const write: Promise<void> = this.#write(this.#takeChunk()).then(
        () => {
          this.#writes.delete(write);
          this.#schedule();
        },
        (err: unknown) => {
          this.#writes.delete(write);
          this.#o.logger.warn({ err, rows: this.#pending }, 'ca: issuance ledger write failed; retrying');
          this.#backingOff = true;
          this.#arm(this.#o.retryDelayMs);
        },
      );
      this.#writes.add(write);
    }
  }

  #takeChunk(): IssuanceRecord[] {
    const chunk = this.#chunks.shift() as IssuanceRecord[];
    this.#pending -= chunk.length;
    return chunk;
  }

  /** Writes `batch`; on failure puts its rows back in front and rethrows. */
  async #write(batch: IssuanceRecord[]): Promise<void> {
    try {
      await this.#insert(batch);
    } catch (err) {
      this.#chunks.unshift(batch);
      this.#pending += batch.length;
      throw err;
    }
  }

  /**
   * One INSERT of `rows`. Refused for a serial already recorded means an earlier attempt committed
   * it and only its reply was lost (serials are 126+ random bits): it counts as written. Rows the
   * insert skipped name an authority the database does not hold: they are dropped, counted and logged.
   */
  async #insert(rows: IssuanceRecord[]): Promise<void> {
    let written: number;
    try {
      written = await recordIssuances(this.#o.db, rows);
    } catch (err) {
      if (!isAlreadyRecorded(err)) throw err;
      this.#o.logger.info({ rows: rows.length }, 'ca: issuance ledger batch was already recorded (a reply was lost); not written again');
      return;
    }
    const skipped = rows.length - written;
    if (skipped > 0) {
      this.#o.logger.error({ rows: skipped }, 'ca: issuance ledger rows refer to an unknown authority; dropped');
      this.#o.onDropped?.(skipped);
    }
  }

  /** Drops whole oldest chunks until at most `maxBuffered` rows wait. */
  #dropOldest(): void {
    let dropped = 0;
    while (this.#pending > this.#o.maxBuffered && this.#chunks.length > 1) {
      const chunk = this.#chunks.shift() as IssuanceRecord[];
      this.#pending -= chunk.length;
      dropped += chunk.length;
    }
    if (dropped === 0) return;
    this.#o.onDropped?.(dropped);
    this.#droppedSinceLog += dropped;
    const now = this.#o.clock.nowMs();
    if (now - this.#lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.#o.logger.error({ rows: this.#droppedSinceLog }, 'ca: issuance ledger rows dropped (the database is failing or too slow)');
      this.#droppedSinceLog = 0;
      this.#lastDropLog = now;
    }
  }
}

function isAlreadyRecorded(err: unknown): boolean {
  return err instanceof DatastoreError && err.code === 'ERR_DATASTORE_ALREADY_EXISTS';
}
