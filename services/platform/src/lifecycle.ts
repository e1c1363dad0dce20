/**
 * Orderly shutdown: closers run in reverse order of registration when SIGINT or SIGTERM
 * arrives, within a deadline. Every `main.ts` uses it.
 * @module
 */
import { systemClock, type Clock } from './clock.js';
import type { Logger } from './log/logger.js';

/** Releases one resource (a server, a pool, telemetry). */
export type Closer = () => unknown;

/** The signal source: `process`, or an `EventEmitter` in tests. */
export interface SignalSource {
  /** Adds a listener. */
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  /** Removes a listener. */
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

/** Options of {@link createLifecycle}. */
export interface LifecycleOptions {
  /** Logs the shutdown's progress and failures. */
  readonly logger?: Logger;
  /** How long all closers together may take (default 10 000 ms). */
  readonly deadlineMs?: number;
  /** Signals that start a shutdown (default SIGINT and SIGTERM). */
  readonly signals?: readonly NodeJS.Signals[];
  /** Where signals come from (default `process`). */
  readonly emitter?: SignalSource;
  /** Ends the process after a signal-driven shutdown (default `process.exit`). */
  readonly exit?: (code: number) => void;
  /** Time source for the deadline (default the system clock). */
  readonly clock?: Clock;
}

/** How a shutdown went. */
export interface ShutdownResult {
  /** Every closer finished without error before the deadline. */
  readonly ok: boolean;
  /** The deadline passed before all closers finished. */
  readonly timedOut: boolean;
  /** The closer still running when the deadline passed. */
  readonly pending?: string;
  /** Closers that threw or rejected, in the order they ran. */
  readonly failures: readonly { readonly name: string; readonly error: unknown }[];
}

/** Runs closers at shutdown. */
export interface Lifecycle {
  /** Registers a closer; closers run last-registered first. Throws once shutdown has begun. */
  add(name: string, closer: Closer): void;
  /** Runs the closers (once; later calls return the same result). */
  shutdown(reason?: string): Promise<ShutdownResult>;
  /**
   * Starts a shutdown on the first signal, then exits with 0 (or 1 if it failed or timed out).
   * A second signal exits at once with 128 + the signal number. Returns a function that
   * removes the signal listeners.
   */
  listen(): () => void;
  /** Whether a shutdown has begun. */
  readonly shuttingDown: boolean;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

/**
 * Creates a lifecycle.
 *
 * @example
 * ```ts
 * const lifecycle = createLifecycle({ logger });
 * lifecycle.add('telemetry', () => telemetry.shutdown());
 * lifecycle.add('health', () => health.close());   // closed first
 * lifecycle.listen();
 * ```
 */
export function createLifecycle(options: LifecycleOptions = {}): Lifecycle {
  const closers: { name: string; closer: Closer }[] = [];
  const clock = options.clock ?? systemClock;
  const deadlineMs = options.deadlineMs ?? 10_000;
  const logger = options.logger?.child({ component: 'lifecycle' });
  let running: Promise<ShutdownResult> | undefined;

  const runClosers = async (reason: string): Promise<ShutdownResult> => {
    logger?.info({ reason }, 'shutting down');
    const failures: { name: string; error: unknown }[] = [];
    let current: string | undefined;
    let cancelDeadline = (): void => {};
    const deadline = new Promise<'deadline'>((resolve) => {
      cancelDeadline = clock.setTimeout(() => resolve('deadline'), deadlineMs);
    });
    const sequence = (async () => {
      for (const { name, closer } of [...closers].reverse()) {
        current = name;
        try {
          await closer();
        } catch (error) {
          failures.push({ name, error });
          logger?.error({ err: error, closer: name }, 'closer failed');
        }
      }
      current = undefined;
      return 'done' as const;
    })();
    const outcome = await Promise.race([sequence, deadline]);
    cancelDeadline();
    if (outcome === 'deadline') {
      logger?.error({ pending: current, deadline_ms: deadlineMs }, 'shutdown deadline passed');
      return {
        ok: false,
        timedOut: true,
        ...(current === undefined ? {} : { pending: current }),
        failures: [...failures],
      };
    }
    logger?.info({ failures: failures.length }, 'shutdown complete');
    return { ok: failures.length === 0, timedOut: false, failures };
  };

  const lifecycle: Lifecycle = {
    add(name, closer) {
      if (running !== undefined) throw new Error(`cannot add closer "${name}": shutdown has begun`);
      if (typeof closer !== 'function') throw new TypeError(`closer "${name}" must be a function`);
      closers.push({ name, closer });
    },
    shutdown(reason = 'requested') {
      running ??= runClosers(reason);
      return running;
    },
    listen() {
      const emitter = options.emitter ?? process;
      const exit = options.exit ?? ((code: number) => process.exit(code));
      const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
      const listeners = signals.map((signal) => {
        const listener = (): void => {
          if (running !== undefined) {
            logger?.warn({ signal }, 'second signal: exiting now');
            exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
            return;
          }
          void lifecycle.shutdown(signal).then((result) => exit(result.ok ? 0 : 1));
        };
        emitter.on(signal, listener);
        return { signal, listener };
      });
      return () => {
        for (const { signal, listener } of listeners) emitter.off(signal, listener);
      };
    },
    get shuttingDown() {
      return running !== undefined;
    },
  };
  return lifecycle;
}
