/**
 * Readiness checks: named probes of a dependency (database reachable, CA key loaded), each
 * run with a timeout.
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import { scrubSecrets } from '../log/secret-registry.js';

/**
 * A readiness check: resolve (or return) when ready, throw or reject with a reason when not.
 * The signal aborts when the check's timeout passes.
 */
export type ReadinessCheck = (signal: AbortSignal) => unknown;

/** The outcome of one check. */
export type CheckResult =
  | { readonly status: 'ok'; readonly duration_ms: number }
  | { readonly status: 'fail'; readonly error: string; readonly duration_ms: number };

/** The outcome of all checks. */
export interface ReadinessReport {
  /** `ok` when every check passed. */
  readonly status: 'ok' | 'unavailable';
  /** Each check's result, by name. */
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/**
 * Runs every check concurrently, each limited to `timeoutMs`. Error messages are scrubbed of
 * secrets since they are served over HTTP.
 */
export async function runChecks(
  checks: ReadonlyMap<string, ReadinessCheck>,
  timeoutMs: number,
  clock: Clock = systemClock,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    [...checks].map(async ([name, check]) => [name, await runCheck(check, timeoutMs, clock)] as const),
  );
  return {
    status: entries.every(([, result]) => result.status === 'ok') ? 'ok' : 'unavailable',
    checks: Object.fromEntries(entries),
  };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number, clock: Clock): Promise<CheckResult> {
  const started = clock.nowMs();
  const controller = new AbortController();
  let cancelTimer = (): void => {};
  const timedOut = new Promise<never>((_, reject) => {
    cancelTimer = clock.setTimeout(() => {
      const err = new Error(`timed out after ${timeoutMs}ms`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => check(controller.signal)), timedOut]);
    return { status: 'ok', duration_ms: clock.nowMs() - started };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { status: 'fail', error: scrubSecrets(message || 'check failed'), duration_ms: clock.nowMs() - started };
  } finally {
    cancelTimer();
  }
}
