/**
 * Correlating log lines with traces: the ids of the active OpenTelemetry span.
 * @module
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The `trace_id` and `span_id` of the span active in the current async context, or an empty
 * object outside any span. Used as the logger's pino `mixin`.
 */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const context = span.spanContext();
  if (!isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId };
}
