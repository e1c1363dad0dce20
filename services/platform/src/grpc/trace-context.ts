/**
 * W3C trace-context propagation through gRPC metadata.
 * @module
 */
import { InterceptingCall, type Interceptor, type Metadata } from '@grpc/grpc-js';
import { context, propagation, ROOT_CONTEXT, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/** Reads propagation headers (`traceparent`, `tracestate`, `baggage`) from gRPC metadata. */
export const metadataGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get(carrier, key) {
    const values = carrier.get(key).filter((v): v is string => typeof v === 'string');
    if (values.length === 0) return undefined;
    return values.length === 1 ? values[0] : values;
  },
};

/** Writes propagation headers into gRPC metadata. */
export const metadataSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

/**
 * The trace context a client sent in `metadata` (through the globally registered propagator,
 * W3C trace-context once telemetry is started), or the root context when it sent none.
 */
export function extractTraceContext(metadata: Metadata): Context {
  return propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
}

/**
 * A client interceptor that sends the context active where the call was made (the caller's
 * span) as `traceparent`/`tracestate` metadata, so the server's span joins the caller's trace.
 *
 * @example
 * ```ts
 * const client = new Client(target, credentials, { interceptors: [traceContextInterceptor] });
 * ```
 */
export const traceContextInterceptor: Interceptor = (options, nextCall) => {
  const active = context.active();
  return new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      propagation.inject(active, metadata, metadataSetter);
      next(metadata, listener);
    },
  });
};
