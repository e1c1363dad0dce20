/**
 * A manually driven {@link Clock} for tests of expiry, rotation and retries.
 * @module
 */
import { sleepOn, type Cancel, type Clock } from '../clock.js';

interface Timer {
  due: number;
  seq: number;
  readonly fn: () => void;
  readonly period: number | undefined;
}

/** The default start time of a {@link FakeClock}: 2025-01-01T00:00:00Z. */
export const FAKE_CLOCK_START = Date.UTC(2025, 0, 1);

/**
 * A clock that only moves when told to. {@link FakeClock.advance} moves time forward and runs
 * every timer that falls due on the way, in order of due time (then of scheduling), with
 * `now()` equal to each timer's due time while it runs. Timers scheduled by a callback run in
 * the same call if they fall due before its end; intervals run once per period crossed;
 * cancelled timers never run.
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * const fired: number[] = [];
 * clock.setTimeout(() => fired.push(clock.nowMs()), 1_000);
 * clock.advance(999);  // nothing yet
 * clock.advance(1);    // fired, at FAKE_CLOCK_START + 1000
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #firing = false;
  readonly #timers = new Map<number, Timer>();
  readonly #waiters: { count: number; resolve: () => void }[] = [];

  /** Starts at `start` (a date or epoch milliseconds), by default {@link FAKE_CLOCK_START}. */
  constructor(start: Date | number = FAKE_CLOCK_START) {
    this.#now = typeof start === 'number' ? start : start.getTime();
    if (!Number.isFinite(this.#now)) throw new RangeError('FakeClock start must be a valid time');
  }

  /** The current fake time. */
  now(): Date {
    return new Date(this.#now);
  }

  /** The current fake time in epoch milliseconds. */
  nowMs(): number {
    return this.#now;
  }

  /** Schedules `fn` at now + `ms` (negative or NaN delays mean now: run by the next advance). */
  setTimeout(fn: () => void, ms: number): Cancel {
    return this.#schedule(fn, ms, undefined);
  }

  /** Schedules `fn` every `ms` milliseconds; `ms` must be positive. */
  setInterval(fn: () => void, ms: number): Cancel {
    if (!(ms > 0) || !Number.isFinite(ms)) throw new RangeError(`interval must be positive, got ${ms}`);
    return this.#schedule(fn, ms, ms);
  }

  /** Resolves once time has been advanced by `ms`. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** How many timers are scheduled (an interval counts once). */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** When the next timer falls due, or `undefined` when none is scheduled. */
  nextDue(): Date | undefined {
    const next = this.#next(Infinity);
    return next === undefined ? undefined : new Date(next.due);
  }

  /**
   * Moves time forward by `ms` (≥ 0), running the timers that fall due on the way. If a
   * callback throws, the error propagates and time stays at that timer's due time.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms}`);
    this.#enter();
    try {
      const target = this.#now + ms;
      for (let timer = this.#next(target); timer !== undefined; timer = this.#next(target)) {
        this.#fire(timer);
      }
      this.#now = target;
    } finally {
      this.#firing = false;
    }
  }

  /** Moves time forward to `time`, which must not be in the past. */
  advanceTo(time: Date | number): void {
    const target = typeof time === 'number' ? time : time.getTime();
    this.advance(target - this.#now);
  }

  /**
   * Like {@link FakeClock.advance}, but lets pending promise callbacks and I/O callbacks run
   * before each timer and after the last: code that awaits between timers (a rotation loop
   * that `await`s a signing call, then schedules the next rotation) behaves as with real time.
   */
  async advanceAsync(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms}`);
    const target = this.#now + ms;
    await settle();
    for (let timer = this.#next(target); timer !== undefined; timer = this.#next(target)) {
      this.#enter();
      try {
        this.#fire(timer);
      } finally {
        this.#firing = false;
      }
      await settle();
    }
    this.#now = Math.max(this.#now, target);
    await settle();
  }

  /** Runs the timers already due, without moving time. */
  runDue(): void {
    this.advance(0);
  }

  /** Resolves once at least `count` timers are scheduled (for code that schedules asynchronously). */
  waitForTimers(count = 1): Promise<void> {
    if (this.#timers.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  #schedule(fn: () => void, ms: number, period: number | undefined): Cancel {
    if (typeof fn !== 'function') throw new TypeError('timer callback must be a function');
    const id = ++this.#seq;
    const delay = Number.isNaN(ms) || ms < 0 ? 0 : ms;
    this.#timers.set(id, { due: this.#now + delay, seq: id, fn, period });
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i] as { count: number; resolve: () => void };
      if (this.#timers.size >= waiter.count) {
        this.#waiters.splice(i, 1);
        waiter.resolve();
      }
    }
    return () => {
      this.#timers.delete(id);
    };
  }

  #next(limit: number): (Timer & { id: number }) | undefined {
    let best: (Timer & { id: number }) | undefined;
    for (const [id, timer] of this.#timers) {
      if (timer.due > limit) continue;
      if (best === undefined || timer.due < best.due || (timer.due === best.due && timer.seq < best.seq)) {
        best = { ...timer, id };
      }
    }
    return best;
  }

  #fire(timer: Timer & { id: number }): void {
    this.#now = Math.max(this.#now, timer.due);
    const live = this.#timers.get(timer.id);
    if (live === undefined) return;
    if (live.period === undefined) {
      this.#timers.delete(timer.id);
    } else {
      live.due += live.period;
      live.seq = ++this.#seq;
    }
    live.fn();
  }

  #enter(): void {
    if (this.#firing) throw new Error('FakeClock cannot be advanced from inside a timer callback');
    this.#firing = true;
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
