import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { listAuthorities, listIssuancesByAuthority, type TestDatabase } from '@signet/datastore';
import { captureLogs, configSchema, coreSections, createLogger, FakeClock, loadConfig, type CallContext } from '@signet/platform';
import { createCaService } from './app.js';
import { caSection } from './config.js';
import { testEngines } from './testing/engines.test-helper.js';
import { ParentEntryAuthorizer } from './testing/entry-authorizer.test-helper.js';
import { CALLERS, newCsr } from './testing/signer.test-helper.js';

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const HOUR = 3_600_000;
const engines = await testEngines('CA composition');

async function metrics(reader: TestReader): Promise<Map<string, MetricData>> {
  const { resourceMetrics } = await reader.collect();
  return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
}

function points(m: MetricData | undefined): [Record<string, unknown>, unknown][] {
  return (m?.dataPoints ?? []).map((p) => [p.attributes, p.value]);
}

for (const engine of engines) {
  describe(`createCaService on ${engine.name}`, () => {
    let t: TestDatabase;
    let dataDir: string;
    before(async () => {
      t = await engine.open();
      dataDir = await mkdtemp(join(tmpdir(), 'signet-ca-app-'));
    });
    after(async () => {
      await t.dispose();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('bootstraps on start, rotates on the clock, signs, records and reports', async () => {
      const { config } = loadConfig({
        schema: configSchema(coreSections(), caSection),
        overrides: { data_dir: dataDir, 'ca.rotation_interval': '1h', 'ca.x509_svid_ttl': '5h' },
      });
      const clock = new FakeClock();
      const logs = captureLogs();
      const reader = new TestReader();
      const spans = new InMemorySpanExporter();
      const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer('ca');
      const ca = await createCaService({
        db: t.db,
        config,
        clock,
        logger: createLogger({ level: 'info', service: 'ca', destination: logs.stream }),
        meter: new MeterProvider({ readers: [reader] }).getMeter('ca'),
        tracer,
        authorizer: new ParentEntryAuthorizer(t.db),
      });
      assert.ok(logs.text.includes('x509_svid_ttl exceeds a sixth of ca_ttl'));
      await ca.start();
      try {
        assert.deepEqual((await listAuthorities(t.db)).map((a) => `${a.kind}:${a.state}`).sort(), ['jwt:active', 'x509:active']);
        for (let h = 0; h < 12; h++) {
          await clock.advanceAsync(HOUR);
          await ca.idle();
        }
        assert.deepEqual(
          (await listAuthorities(t.db)).map((a) => `${a.kind}:${a.state}`).sort(),
          ['jwt:active', 'jwt:prepared', 'x509:active', 'x509:prepared'],
          'the ticker prepared the next authorities at half-life',
        );

        const ctx: CallContext = { caller: CALLERS.admin, method: 'signet.ca.v1.CA/MintX509Svid', signal: new AbortController().signal, logger: createLogger({ level: 'error', service: 'ca', destination: captureLogs().stream }), audit: () => undefined };
        const mint = ca.service['MintX509Svid'] as { handler: (req: unknown, ctx: CallContext) => Promise<{ authority_id: string; serial_number: string }> };
        const res = await mint.handler({ csr: Buffer.from(newCsr().csr), entry_id: '', spiffe_id: 'spiffe://example.org/app', ttl: 0, dns_names: [] }, ctx);
        await assert.rejects(mint.handler({ csr: Buffer.alloc(0), entry_id: '', spiffe_id: 'spiffe://example.org/app', ttl: 0, dns_names: [] }, ctx));

        const m = await metrics(reader);
        assert.deepEqual(points(m.get('signet_ca_svids_issued')).map(([a, v]) => `${a['kind']} ${a['outcome']} ${v}`).sort(), [
          'x509 invalid_argument 1',
          'x509 ok 1',
        ]);
        const latency = m.get('signet_ca_signing_duration')?.dataPoints[0]?.value as { count: number } | undefined;
        assert.equal(latency?.count, 1);
        const expiry = points(m.get('signet_ca_authority_time_to_expiry'));
        assert.deepEqual(expiry.map(([a, v]) => [a['kind'], v]).sort(), [['jwt', 12 * 3600], ['x509', 12 * 3600]]);
        assert.deepEqual(points(m.get('signet_ca_rotation_events')).map(([a, v]) => `${a['kind']} ${a['event']} ${v}`).sort(), [
          'jwt activated 1',
          'jwt prepared 2',
          'x509 activated 1',
          'x509 prepared 2',
        ]);
        const names = new Set(spans.getFinishedSpans().map((s) => s.name));
        assert.ok(names.has('ca.rotation.tick') && names.has('ca.sign.x509'), [...names].join(', '));
        assert.equal(ca.svidKeyType, 'ec-p256');
        await ca.close();
        const rows = (await listIssuancesByAuthority(t.db, res.authority_id)).items;
        assert.deepEqual(rows.map((r) => r.serial), [res.serial_number], 'the ledger is written on close');
      } finally {
        await ca.close();
      }
    });
  });
}
