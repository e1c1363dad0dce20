/**
 * A `CallContext` for calling handlers directly in tests and benchmarks, and a percentile helper.
 * @module
 */
import { captureLogs, createLogger, type CallContext, type Caller } from '@signet/platform';

/** A context for an admin call (logs are captured and dropped; audit fields are kept in `audited`). */
export function adminContext(method = 'signet.registrar.v1.Registrar/Test', caller: Caller = { kind: 'admin', via: 'inproc' }): CallContext & { audited: Record<string, unknown> } {
  const audited: Record<string, unknown> = {};
  return {
    caller,
    method,
    signal: new AbortController().signal,
    logger: createLogger({ level: 'warn', service: 'registrar-test', destination: captureLogs().stream }),
    audit: (fields) => Object.assign(audited, fields),
    audited,
  };
}

/** The p-th percentile (0..100) of `xs`, nearest rank. */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
