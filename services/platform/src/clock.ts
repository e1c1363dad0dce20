/**
 * Time as a dependency. Everything that depends on expiry, TTLs or rotation takes a
 * {@link Clock}; production passes {@link systemClock}, tests pass a `FakeClock`.
 * @module
 */

/** Cancels a scheduled timer; calling it again, or after the timer fired, does nothing. */
export type Cancel = () => void;

/**
 * A source of the current time and of timers.
 *
 * @example
 * ```ts
 * function scheduleRotation(clock: Clock, notAfter: Date, rotate: () => void): Cancel {
 *   return clock.setTimeout(rotate, notAfter.getTime() - clock.nowMs());
 * }
 * ```
 */
export interface Clock {
  /** The current time. */
  now(): Date;
  /** The current time in milliseconds since the Unix epoch. */
  nowMs(): number;
  /** Runs `fn` once after `ms` milliseconds (negative means as soon as possible). */
  setTimeout(fn: () => void, ms: number): Cancel;
  /** Runs `fn` every `ms` milliseconds (`ms` must be positive) until cancelled. */
  setInterval(fn: () => void, ms: number): Cancel;
  /** Resolves after `ms` milliseconds; rejects with the signal's reason if aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The longest delay Node's timers accept; longer delays are chained. */
const MAX_TIMER_DELAY = 2_147_483_647;

function systemSetTimeout(fn: () => void, ms: number): Cancel {
  const due = Date.now() + Math.max(0, ms);
  let handle: NodeJS.Timeout;
  const arm = (): void => {
    const remaining = due - Date.now();
    if (remaining > MAX_TIMER_DELAY) handle = setTimeout(arm, MAX_TIMER_DELAY);
    else handle = setTimeout(fn, Math.max(0, remaining));
  };
  arm();
  return () => clearTimeout(handle);
}

/**
 * Sleeps on `clock`, honouring an abort signal. Shared by the system and fake clocks.
 */
export function sleepOn(clock: Pick<Clock, 'setTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The real clock. Unlike Node's own timers, its timeouts may be longer than about 24.8 days
 * (a CA rotation a year away is scheduled correctly, not fired at once).
 */
export const systemClock: Clock = Object.freeze({
  now: () => new Date(),
  nowMs: () => Date.now(),
  setTimeout: systemSetTimeout,
  setInterval(fn: () => void, ms: number): Cancel {
    if (!(ms > 0)) throw new RangeError(`interval must be positive, got ${ms}`);
    if (ms > MAX_TIMER_DELAY) {
      let cancel: Cancel = () => {};
      const tick = (): void => {
        cancel = systemSetTimeout(tick, ms);
        fn();
      };
      cancel = systemSetTimeout(tick, ms);
      return () => cancel();
    }
    const handle = setInterval(fn, ms);
    return () => clearInterval(handle);
  },
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(systemClock, ms, signal);
  },
});
