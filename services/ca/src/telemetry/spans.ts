/**
 * Running a step of the CA inside an OpenTelemetry span.
 * @module
 */
import { SpanStatusCode, type Attributes, type Span, type Tracer } from '@opentelemetry/api';

/**
 * Runs `fn` in an active span named `name`; an error is recorded on the span (status ERROR)
 * and rethrown. The span ends when `fn` settles.
 *
 * @example
 * ```ts
 * const svid = await inSpan(tracer, 'ca.sign_x509_svid', { 'signet.caller.kind': caller.kind }, () => mint());
 * ```
 */
export function inSpan<T>(tracer: Tracer, name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

