/**
 * Audit lines: one per admin call and per call of a method marked `audit: true`, whatever the
 * transport and whatever the outcome (refusals included).
 * @module
 */
import type { ApiCode } from '../api/api-error.js';
import type { Caller } from '../api/caller.js';
import { describeCaller } from '../api/caller.js';
import type { MethodSpec } from '../api/handler.js';
import type { Logger } from '../log/logger.js';

/** How a call ended: `ok`, the API code of its error, or `cancelled` when the client went away. */
export type CallOutcomeCode = 'ok' | 'cancelled' | ApiCode;

/** What one audit line records. */
export interface AuditRecord {
  readonly transport: 'grpc' | 'http';
  readonly method: string;
  readonly caller: Caller;
  readonly code: CallOutcomeCode;
  readonly durationMs: number;
  /** What the handler added with `ctx.audit(...)`. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** True when calls of `spec` by `caller` are audited: admin calls always, others when the method says so. */
export function isAudited(spec: Pick<MethodSpec, 'audit'>, caller: Caller): boolean {
  return caller.kind === 'admin' || spec.audit === true;
}

/**
 * Writes one audit line at `info`: `{"audit":true,"transport":"grpc","method":…,"caller":"admin (unix)",
 * "caller_kind":"admin","caller_id":…,"code":"ok","duration_ms":…,"fields":{…},"msg":"audit"}`.
 * The handler's fields are nested under `fields` so they can never overwrite the others.
 */
export function writeAudit(logger: Logger, record: AuditRecord): void {
  const id = 'spiffeId' in record.caller ? record.caller.spiffeId : undefined;
  logger.info(
    {
      audit: true,
      transport: record.transport,
      method: record.method,
      caller: describeCaller(record.caller),
      caller_kind: record.caller.kind,
      ...(id === undefined ? {} : { caller_id: id }),
      code: record.code,
      duration_ms: Math.round(record.durationMs * 1000) / 1000,
      fields: record.fields,
    },
    'audit',
  );
}
