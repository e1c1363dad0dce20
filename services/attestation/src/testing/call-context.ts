/**
 * Building the `CallContext` a transport would hand to a handler, for calling handlers
 * directly in tests, and a logger that keeps its lines.
 * @module
 */
import { type CallContext, type Caller, captureLogs, createLogger, type Logger, type LogCapture } from '@signet/platform';

/** A logger writing JSON lines into a capture. */
export function testLogger(): { logger: Logger; logs: LogCapture } {
  const logs = captureLogs();
  return { logger: createLogger({ level: 'debug', service: 'attestation-test', destination: logs.stream }), logs };
}

/** A call context for `caller`, with its abort controller and the audit fields recorded. */
export function testCallContext(
  caller: Caller,
  method: string,
  logger: Logger = testLogger().logger,
): { ctx: CallContext; abort: AbortController; audits: Record<string, unknown>[] } {
  const abort = new AbortController();
  const audits: Record<string, unknown>[] = [];
  return {
    ctx: { caller, method, signal: abort.signal, logger, audit: (fields) => void audits.push({ ...fields }) },
    abort,
    audits,
  };
}

/** An anonymous caller. */
export const anonymous: Caller = { kind: 'anonymous', via: 'tcp' };

/** An agent caller. */
export function agentCaller(spiffeId: string): Caller {
  return { kind: 'agent', via: 'mtls', spiffeId };
}
