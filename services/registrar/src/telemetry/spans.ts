/**
 * Spans around the registrar's own work. The transport opens the RPC span; the registrar adds
 * child spans for its datastore work (`registrar.entries.insert`, ...), so a slow call shows
 * whether validation, the database or event appends took the time.
 * @module
 */
import { SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';

/** The tracer the registrar uses when none is injected (scope `signet.registrar`). */
export function defaultTracer(): Tracer {
  return trace.getTracer('signet.registrar');
}

/**
 * Runs `fn` inside a new active span named `name` (a child of the current span), recording a
 * thrown error on the span before rethrowing it.
 *
 * @example
 * ```ts
 * const rows = await inSpan(tracer, 'registrar.entries.insert', { 'signet.entries': 1000 }, () => insert());
 * ```
 */
export function inSpan<T>(tracer: Tracer, name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}
