import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Meter } from '@opentelemetry/api';
import { createAttestationMetrics } from './attestation-metrics.js';

/** A meter that keeps what is recorded on each instrument, by instrument name. */
function recordingMeter() {
  const points: { instrument: string; unit: string | undefined; value: number; attributes: unknown }[] = [];
  const instrument = (name: string, options?: { unit?: string }) => {
    const record = (value: number, attributes?: unknown) => points.push({ instrument: name, unit: options?.unit, value, attributes });
    return { add: record, record };
  };
  const meter = { createCounter: instrument, createHistogram: instrument } as unknown as Meter;
  return { meter, points };
}

describe('createAttestationMetrics', () => {
  test('counts attestations by outcome and records their duration in seconds', () => {
    const { meter, points } = recordingMeter();
    const metrics = createAttestationMetrics(meter);
    metrics.record('ok', 0.002);
    metrics.record('denied', 0.5);
    assert.deepEqual(points, [
      { instrument: 'signet.agent.workload_attestations', unit: '{attestation}', value: 1, attributes: { outcome: 'ok' } },
      { instrument: 'signet.agent.workload_attestation.duration', unit: 's', value: 0.002, attributes: { outcome: 'ok' } },
      { instrument: 'signet.agent.workload_attestations', unit: '{attestation}', value: 1, attributes: { outcome: 'denied' } },
      { instrument: 'signet.agent.workload_attestation.duration', unit: 's', value: 0.5, attributes: { outcome: 'denied' } },
    ]);
  });
});
