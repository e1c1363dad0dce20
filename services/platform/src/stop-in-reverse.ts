/**
 * What a composition root started, to stop in reverse order: each stop runs even when an earlier
 * one failed (the failure is logged), and `close()` may be called more than once.
 * @module
 */
import type { Logger } from './log/logger.js';

/** The stops registered so far, and the function that runs them. */
export interface ReverseStops {
  /** Push a stop function as each part starts. */
  readonly closers: Array<() => Promise<unknown> | unknown>;
  /** Runs the stops, last registered first, then forgets them. Never throws. */
  close(): Promise<void>;
}

/**
 * A list of stops for a composition root; failures are logged as `<label>: error while stopping`.
 *
 * @example
 * ```ts
 * const { closers, close } = stopInReverse(logger, 'agent');
 * closers.push(() => server.close());
 * ```
 */
export function stopInReverse(logger: Pick<Logger, 'warn'>, label: string): ReverseStops {
  const closers: Array<() => Promise<unknown> | unknown> = [];
  return {
    closers,
    close: async () => {
      for (const fn of closers.splice(0).reverse()) {
        try {
          await fn();
        } catch (err) {
          logger.warn({ err }, `${label}: error while stopping`);
        }
      }
    },
  };
}
