/**
 * Workload API metrics.
 * @module
 */
import { metrics, type Meter } from '@opentelemetry/api';

/** What the Workload API records. */
export interface WorkloadApiMetrics {
  streamOpened(method: string): void;
  streamClosed(method: string): void;
  response(method: string): void;
  call(method: string, outcome: string): void;
  firstResponse(method: string, seconds: number): void;
}

/** Metrics on an OpenTelemetry meter (default: the global `signet-agent` meter). */
export function workloadApiMetrics(meter: Meter = metrics.getMeter('signet-agent')): WorkloadApiMetrics {
  const streams = meter.createUpDownCounter('signet.agent.workload_api.streams', { description: 'Open Workload API streams' });
  const responses = meter.createCounter('signet.agent.workload_api.responses', { description: 'Workload API stream responses sent' });
  const calls = meter.createCounter('signet.agent.workload_api.calls', { description: 'Workload API calls by outcome' });
  const first = meter.createHistogram('signet.agent.workload_api.first_response', { description: 'Time to the first response of a Workload API stream', unit: 's' });
  return {
    streamOpened: (method) => streams.add(1, { method }),
    streamClosed: (method) => streams.add(-1, { method }),
    response: (method) => responses.add(1, { method }),
    call: (method, outcome) => calls.add(1, { method, outcome }),
    firstResponse: (method, seconds) => first.record(seconds, { method }),
  };
}
