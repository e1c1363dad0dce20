/**
 * The RPC metrics every Signet server records, for gRPC and REST alike.
 * @module
 */
import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';

/** Instruments for the calls a server handles. */
export interface RpcMetrics {
  /** Counts a finished call in `rpc.server.requests` and its duration in `rpc.server.duration`. */
  recordCall(method: string, transport: 'grpc' | 'http', code: string, durationMs: number): void;
  /** Moves `rpc.server.active_streams` by `delta` (+1 when a stream opens, -1 when it ends). */
  streamDelta(method: string, delta: 1 | -1): void;
}

/**
 * Creates the RPC instruments on `meter`:
 * - `rpc.server.requests` (counter; attributes `method`, `transport`, `code`),
 * - `rpc.server.duration` (histogram, milliseconds; same attributes),
 * - `rpc.server.active_streams` (up-down counter; attribute `method`).
 *
 * @example
 * ```ts
 * const metrics = createRpcMetrics(telemetry.meter('ca'));
 * metrics.recordCall('signet.ca.v1.CA/MintX509Svid', 'grpc', 'ok', 1.7);
 * ```
 */
export function createRpcMetrics(meter: Meter): RpcMetrics {
  const requests: Counter = meter.createCounter('rpc.server.requests', {
    description: 'Calls handled, by method and outcome code',
    unit: '{call}',
  });
  const duration: Histogram = meter.createHistogram('rpc.server.duration', {
    description: 'Time from the start of a call to its outcome',
    unit: 'ms',
  });
  const streams: UpDownCounter = meter.createUpDownCounter('rpc.server.active_streams', {
    description: 'Streaming calls in progress',
    unit: '{stream}',
  });
  return {
    recordCall(method, transport, code, durationMs) {
      const attributes = { method, transport, code };
      requests.add(1, attributes);
      duration.record(durationMs, attributes);
    },
    streamDelta(method, delta) {
      streams.add(delta, { method });
    },
  };
}
