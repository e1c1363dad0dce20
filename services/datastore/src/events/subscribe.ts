/**
 * Following the change log: every event, exactly once, in revision order.
 *
 * A subscription LISTENs on {@link EVENTS_CHANNEL} and reads the table
 * (`revision > last`, in batches) when it starts, after every notification,
 * after the listening connection was re-established, after a failed read
 * (with backoff), and on a slow safety-net timer. Notifications are only a
 * wake-up call: the table is the source of truth, so a lost or spurious
 * notification costs at most one read. Because revisions become visible in
 * commit order (see `appendEvents`), reading `revision > last` never skips
 * an event that commits later.
 *
 * Delivery is sequential: `onEvent` is awaited before the next event. An
 * event whose handler throws still counts as delivered; the error goes to
 * `onError`. If retention pruned events the subscriber had not read,
 * `onError` receives an {@link EventsPrunedError} and delivery continues
 * after the horizon: the subscriber must resynchronise from the tables.
 *
 * @example
 * ```ts
 * const sub = await subscribeEvents(db, {
 *   fromRevision: await latestRevision(db),
 *   onEvent: async (event) => cache.apply(event),
 *   onError: (err) => log.warn('event subscription', { err }),
 * });
 * // ...
 * await sub.close();
 * ```
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db, Unlisten } from '../db/types.js';
import { EventsPrunedError } from '../errors.js';
import { type ChangeEvent, EVENTS_CHANNEL } from './event.js';
import { readEvents } from './read.js';

/** Options of {@link subscribeEvents}. */
export interface SubscribeEventsOptions {
  /** Deliver events with a revision greater than this (0: the whole retained log). */
  fromRevision: number;
  /** Receives each event once, in revision order; awaited before the next. */
  onEvent: (event: ChangeEvent) => void | Promise<void>;
  /** Receives read failures (retried with backoff), handler failures and {@link EventsPrunedError}. */
  onError: (err: unknown) => void;
  /** Events read per query; default 500. */
  batchSize?: number;
  /** Safety-net re-read interval in ms (catches anything a lost notification hid); default 30 000, 0 disables. */
  pollIntervalMs?: number;
  /** First retry delay after a failed read, in ms, doubling up to 10 s; default 250. */
  retryDelayMs?: number;
}

/** A running subscription. */
export interface EventSubscription {
  /** Revision of the last event delivered (or skipped over by pruning). */
  readonly lastRevision: number;
  /** Stops delivery and listening; resolves when no handler call is running (unless called from a handler). */
  close(): Promise<void>;
}

const MAX_RETRY_DELAY_MS = 10_000;
const handlerScope = new AsyncLocalStorage<Subscription>();

/** Starts following the log; resolves once notifications are being listened to. */
export async function subscribeEvents(db: Db, options: SubscribeEventsOptions): Promise<EventSubscription> {
  if (!Number.isSafeInteger(options.fromRevision) || options.fromRevision < 0) {
    throw new TypeError(`subscribeEvents: fromRevision must be an integer >= 0 (got ${String(options.fromRevision)})`);
  }
  const subscription = new Subscription(db, options);
  await subscription.start();
  return subscription;
}

class Subscription implements EventSubscription {
  readonly #db: Db;
  readonly #options: SubscribeEventsOptions;
  readonly #batchSize: number;
  #last: number;
  #closed = false;
  #wake = false;
  #failures = 0;
  #loop: Promise<void> | undefined;
  #unlisten: Unlisten | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(db: Db, options: SubscribeEventsOptions) {
    this.#db = db;
    this.#options = options;
    this.#batchSize = options.batchSize ?? 500;
    this.#last = options.fromRevision;
  }

  get lastRevision(): number {
    return this.#last;
  }

  async start(): Promise<void> {
    this.#unlisten = await this.#db.listen(EVENTS_CHANNEL, (payload) => this.#onNotification(payload), {
      onReconnect: () => this.#kick(),
    });
    const pollMs = this.#options.pollIntervalMs ?? 30_000;
    if (pollMs > 0) {
      this.#pollTimer = setInterval(() => this.#kick(), pollMs);
      this.#pollTimer.unref();
    }
    this.#kick();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pollTimer);
    clearTimeout(this.#retryTimer);
    await this.#unlisten?.().catch(() => undefined);
    // From inside our own handler, the loop is waiting for that handler: don't wait for it.
    if (handlerScope.getStore() !== this) await this.#loop;
  }

  #onNotification(payload: string): void {
    const revision = Number(payload);
    // Payloads are hints: skip those we are already past (other schemas share the channel).
    if (Number.isSafeInteger(revision) && revision <= this.#last) return;
    this.#kick();
  }

  #kick(): void {
    if (this.#closed) return;
    this.#wake = true;
    this.#loop ??= this.#run();
  }

  async #run(): Promise<void> {
    try {
      // No await between the last check of #wake and clearing #loop, so a kick is never lost.
      while (this.#wake && !this.#closed) {
        this.#wake = false;
        if (!(await this.#catchUp())) break;
      }
    } finally {
      this.#loop = undefined;
    }
  }

  /** Reads and delivers until caught up; false if a read failed (a retry is scheduled). */
  async #catchUp(): Promise<boolean> {
    try {
      for (;;) {
        const { events, prunedThrough } = await readEvents(this.#db, { afterRevision: this.#last, limit: this.#batchSize });
        if (this.#closed) return true;
        if (prunedThrough > this.#last) {
          const gap = new EventsPrunedError(this.#last, prunedThrough);
          this.#last = prunedThrough;
          this.#report(gap);
        }
        for (const event of events) {
          if (this.#closed) return true;
          if (event.revision <= this.#last) continue;
          await this.#deliver(event);
          this.#last = event.revision;
        }
        this.#failures = 0;
        if (events.length < this.#batchSize) return true;
      }
    } catch (err) {
      this.#failures += 1;
      this.#report(err);
      this.#scheduleRetry();
      return false;
    }
  }

  async #deliver(event: ChangeEvent): Promise<void> {
    try {
      await handlerScope.run(this, () => this.#options.onEvent(event));
    } catch (err) {
      this.#report(err);
    }
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    clearTimeout(this.#retryTimer);
    const base = this.#options.retryDelayMs ?? 250;
    const delay = Math.min(MAX_RETRY_DELAY_MS, base * 2 ** (this.#failures - 1));
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#kick();
    }, delay);
    this.#retryTimer.unref();
  }

  #report(err: unknown): void {
    try {
      this.#options.onError(err);
    } catch {
      // An error handler that throws has nowhere else to report to.
    }
  }
}
