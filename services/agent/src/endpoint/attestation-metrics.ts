/**
 * Metrics of workload attestations on the agent's endpoint.
 * @module
 */
import type { Meter } from '@opentelemetry/api';

/** How an attestation ended: selectors given, caller refused, or an attestor failed. */
export type AttestationOutcome = 'ok' | 'denied' | 'error';

/** Records attestations. */
export interface AttestationMetrics {
  record(outcome: AttestationOutcome, durationSeconds: number): void;
}

/**
 * Instruments on `meter`: `signet.agent.workload_attestations` (counter, attribute `outcome`) and
 * `signet.agent.workload_attestation.duration` (histogram, seconds, attribute `outcome`).
 */
export function createAttestationMetrics(meter: Meter): AttestationMetrics {
  const count = meter.createCounter('signet.agent.workload_attestations', {
    description: 'Workload attestations of callers on the agent endpoint, by outcome',
    unit: '{attestation}',
  });
  const duration = meter.createHistogram('signet.agent.workload_attestation.duration', {
    description: 'Time to attest a caller on the agent endpoint',
    unit: 's',
  });
  return {
    record(outcome, durationSeconds) {
      const attributes = { outcome };
      count.add(1, attributes);
      duration.record(durationSeconds, attributes);
    },
  };
}
