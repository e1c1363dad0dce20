/**
 * The registrar's gauges, read through the OpenTelemetry SDK: entries and agents by state,
 * recomputed on the clock's timer (not at scrape time), on a real datastore.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MeterProvider, MetricReader, type GaugeMetricData } from '@opentelemetry/sdk-metrics';
import { openPGliteTestDatabase } from '@signet/datastore';
import { captureLogs, createLogger, FakeClock } from '@signet/platform';
import { createRegistrarService } from '../app.js';
import { adminContext } from '../testing/call-context.js';
import { entryRequest, seedAgent } from '../testing/seed.js';

class TestReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

async function gauges(reader: TestReader): Promise<Record<string, number>> {
  const { resourceMetrics } = await reader.collect();
  const out: Record<string, number> = {};
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics as GaugeMetricData[]) {
      for (const point of metric.dataPoints) {
        const state = point.attributes['state'];
        out[state === undefined ? metric.descriptor.name : `${metric.descriptor.name}{${String(state)}}`] = point.value;
      }
    }
  }
  return out;
}

/** Lets the refresh started by a timer finish its queries. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('registrar gauges', () => {
  it('report entries and agents by state, recomputed every metrics_interval', async () => {
    const { db, dispose } = await openPGliteTestDatabase();
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const clock = new FakeClock(new Date('2030-01-01T00:00:00Z'));
    const logger = createLogger({ level: 'warn', service: 'test', destination: captureLogs().stream });
    const registrar = createRegistrarService({ db, trustDomain: 'example.org', clock, logger, meter: provider.getMeter('signet.registrar') });
    try {
      await settle();
      assert.deepEqual(await gauges(reader), { 'signet.registrar.entries': 0, 'signet.registrar.agents{attested}': 0, 'signet.registrar.agents{evicted}': 0, 'signet.registrar.agents{banned}': 0 });
      await registrar.service.CreateEntries.handler({ entries: [entryRequest(1), entryRequest(2), entryRequest(3)] }, adminContext());
      const agent = await seedAgent(db, 'n1', { now: clock.now() });
      const other = await seedAgent(db, 'n2', { now: clock.now() });
      await seedAgent(db, 'n3', { now: clock.now() });
      await registrar.service.BanAgent.handler({ spiffe_id: agent }, adminContext());
      await registrar.service.EvictAgent.handler({ spiffe_id: other }, adminContext());
      assert.equal((await gauges(reader))['signet.registrar.entries'], 0, 'not recounted before the interval');
      clock.advance(30_000);
      await settle();
      assert.deepEqual(await gauges(reader), { 'signet.registrar.entries': 3, 'signet.registrar.agents{attested}': 1, 'signet.registrar.agents{evicted}': 1, 'signet.registrar.agents{banned}': 1 });
    } finally {
      await registrar.close();
      await provider.shutdown();
      await dispose();
    }
  });
});
