/**
 * Running one call of a {@link MethodSpec}, the same way for every transport: span, caller,
 * policy, handler, error classification, metrics and audit. The gRPC server and the REST routes
 * only decode, call {@link invoke}, and encode the outcome on their wire.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { ApiError } from '../api/api-error.js';
import { describeCaller, type Caller } from '../api/caller.js';
import type { CallContext, MethodSpec } from '../api/handler.js';
import { publicError, type PublicError } from '../api/status-map.js';
import type { Logger } from '../log/logger.js';
import { isAudited, writeAudit, type CallOutcomeCode } from './audit.js';
import type { CallAbort } from './call-abort.js';
import type { RpcMetrics } from './metrics.js';
import { authorize } from './policy.js';

/** What a server shares between its calls. */
export interface InvokeDeps {
  /** The server's logger; each call gets a child bound to its method and caller. */
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly metrics: RpcMetrics;
}

/** The caller as the transport established it, and why it must be refused outright, if so. */
export interface ResolvedCaller {
  readonly caller: Caller;
  /** An authentication failure found by the transport (e.g. an expired peer SVID): the call fails with it before the policy check. */
  readonly problem?: ApiError;
}

/** One call to run. */
export interface Invocation {
  readonly transport: 'grpc' | 'http';
  /** `package.Service/Method`. */
  readonly method: string;
  readonly spec: MethodSpec;
  readonly resolved: ResolvedCaller;
  readonly abort: CallAbort;
  /** The trace context the client sent (root when none). */
  readonly parent: Context;
  /** Extra attributes for the server span. */
  readonly attributes?: Attributes;
}

/** How a call ended. */
export type CallOutcome =
  | { readonly ok: true; readonly code: 'ok' | 'cancelled' }
  | { readonly ok: false; readonly code: CallOutcomeCode; readonly error: unknown; readonly public: PublicError };

/** Codes that are the server's fault, which mark the span as an error (OpenTelemetry's gRPC server rules). */
const SERVER_FAULTS: ReadonlySet<CallOutcomeCode> = new Set(['internal', 'unavailable', 'deadline_exceeded', 'unimplemented']);

/**
 * Runs `body` for one call: opens a server span `rpc <method>` (child of the client's context),
 * refuses callers the transport could not authenticate and callers `spec.allow` does not list,
 * runs `body` with the {@link CallContext} inside the span's context (so spans and log lines of
 * the handler and the datastore nest under it), classifies any error with `publicError` (logging
 * internal errors with their cause), records metrics and writes the audit line. Never throws.
 *
 * `onOutcome` lets the transport add its status attributes to the span before it ends.
 */
export async function invoke(
  deps: InvokeDeps,
  inv: Invocation,
  body: (ctx: CallContext) => Promise<void>,
  onOutcome?: (outcome: CallOutcome, span: Span) => void,
): Promise<CallOutcome> {
  const started = performance.now();
  const { caller, problem } = inv.resolved;
  const slash = inv.method.lastIndexOf('/');
  const span = deps.tracer.startSpan(
    `rpc ${inv.method}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'rpc.system': inv.transport === 'grpc' ? 'grpc' : 'signet_rest',
        'rpc.service': inv.method.slice(0, slash),
        'rpc.method': inv.method.slice(slash + 1),
        'signet.caller.kind': caller.kind,
        ...inv.attributes,
      },
    },
    inv.parent,
  );
  const active = trace.setSpan(inv.parent, span);
  const streaming = inv.spec.type !== 'unary';
  if (streaming) deps.metrics.streamDelta(inv.method, 1);
  const fields: Record<string, unknown> = {};
  const logger = deps.logger.child({ method: inv.method, caller: describeCaller(caller) });
  const ctx: CallContext = {
    caller,
    method: inv.method,
    signal: inv.abort.signal,
    logger,
    audit(more) {
      Object.assign(fields, more);
    },
  };

  const outcome = await context.with(active, async (): Promise<CallOutcome> => {
    try {
      if (problem !== undefined) throw problem;
      authorize(inv.spec.allow, inv.method, caller);
      await body(ctx);
      return { ok: true, code: inv.abort.kind === 'cancelled' ? 'cancelled' : 'ok' };
    } catch (error) {
      const pub = publicError(error);
      const cancelled = inv.abort.kind === 'cancelled';
      if (pub.internal && !cancelled) logger.error({ err: error }, `${inv.method} failed with an internal error`);
      else logger.debug({ code: pub.apiCode, reason: pub.message }, `${inv.method} refused`);
      return { ok: false, code: cancelled ? 'cancelled' : pub.apiCode, error, public: pub };
    }
  });

  const durationMs = performance.now() - started;
  span.setAttribute('signet.outcome', outcome.code);
  onOutcome?.(outcome, span);
  if (!outcome.ok && SERVER_FAULTS.has(outcome.code)) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.public.message });
    if (outcome.public.internal && outcome.error instanceof Error) {
      span.recordException({ name: outcome.error.name, message: outcome.error.message });
    }
  }
  span.end();
  deps.metrics.recordCall(inv.method, inv.transport, outcome.code, durationMs);
  if (streaming) deps.metrics.streamDelta(inv.method, -1);
  if (isAudited(inv.spec, caller)) {
    context.with(active, () =>
      writeAudit(deps.logger, { transport: inv.transport, method: inv.method, caller, code: outcome.code, durationMs, fields }),
    );
  }
  return outcome;
}
