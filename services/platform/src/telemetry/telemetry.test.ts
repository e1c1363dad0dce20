import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { metrics, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { loadConfig } from '../config/load.js';
import { coreConfigSchema } from '../config/core-sections.js';
import { telemetryOptionsFromConfig } from './from-config.js';
import { startTelemetry, type TelemetryOptions } from './telemetry.js';

const BASE: TelemetryOptions = {
  serviceName: 'signet-test',
  trustDomain: 'example.org',
  version: '1.2.3',
  resourceAttributes: { 'deployment.environment': 'test' },
};

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny OTLP/HTTP collector that records every request. */
async function fakeCollector() {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('startTelemetry', () => {
  it('serves counters on /metrics with the resource and the component scope', async () => {
    const telemetry = await startTelemetry({ ...BASE, prometheus: { host: '127.0.0.1', port: 0 } });
    try {
      telemetry.meter('ca').createCounter('signet_svids_issued', { description: 'SVIDs issued' }).add(3, { kind: 'x509' });
      const url = telemetry.metricsAddress?.url;
      assert.ok(url !== undefined);
      const response = await fetch(url);
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.match(text, /^signet_svids_issued(_total)?\{[^}]*kind="x509"[^}]*\} 3/m);
      assert.match(text, /signet_svids_issued[^\n]*otel_scope_name="signet\.ca"/);
      assert.match(text, /target_info\{[^}]*service_name="signet-test"/);
      assert.match(text, /target_info\{[^}]*spiffe_trust_domain="example\.org"/);
      assert.match(text, /target_info\{[^}]*deployment_environment="test"/);
      assert.match(text, /target_info\{[^}]*service_version="1\.2\.3"/);
      assert.equal((await fetch(url.replace('/metrics', '/other'))).status, 404);
    } finally {
      await telemetry.shutdown();
    }
  });

  it('records spans with the resource and propagates the active span across await', async () => {
    const spans = new InMemorySpanExporter();
    const telemetry = await startTelemetry({ ...BASE, prometheus: false, spanExporters: [spans] });
    try {
      assert.equal(telemetry.metricsHandler, undefined);
      // The global API is wired to our provider.
      await trace.getTracer('any').startActiveSpan('outer', async (outer) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        assert.equal(trace.getActiveSpan()?.spanContext().spanId, outer.spanContext().spanId);
        telemetry.tracer('registrar').startSpan('inner').end();
        outer.end();
      });
      const finished = spans.getFinishedSpans();
      const inner = finished.find((s) => s.name === 'inner');
      const outer = finished.find((s) => s.name === 'outer');
      assert.ok(inner && outer);
      assert.equal(inner.parentSpanContext?.spanId, outer.spanContext().spanId, 'inner is a child of outer');
      assert.equal(inner.instrumentationScope.name, 'signet.registrar');
      assert.equal(inner.resource.attributes['service.name'], 'signet-test');
      assert.equal(inner.resource.attributes['spiffe.trust_domain'], 'example.org');
      assert.equal(inner.resource.attributes['deployment.environment'], 'test');
    } finally {
      await telemetry.shutdown();
    }
  });

  it('shares one provider set between services of one process', async () => {
    const first = await startTelemetry({ ...BASE, prometheus: false });
    const second = await startTelemetry({ ...BASE, serviceName: 'ignored', prometheus: false });
    assert.equal(first.shared, false);
    assert.equal(second.shared, true);
    assert.equal(second.meterProvider, first.meterProvider);
    assert.equal(second.resource.attributes['service.name'], 'signet-test');

    await first.shutdown();
    await first.shutdown(); // releasing a handle twice does not release the other
    assert.ok(trace.getTracer('x').startSpan('still-on').isRecording(), 'providers live while a handle is held');

    await second.shutdown();
    assert.equal(trace.getTracer('x').startSpan('off').isRecording(), false, 'globals are unregistered at the end');
    assert.notEqual(metrics.getMeterProvider(), first.meterProvider);

    const again = await startTelemetry({ ...BASE, prometheus: false });
    try {
      assert.equal(again.shared, false);
      assert.notEqual(again.meterProvider, first.meterProvider);
    } finally {
      await again.shutdown();
    }
  });

  it('exports traces and metrics over OTLP/HTTP to the collector', async () => {
    const collector = await fakeCollector();
    const telemetry = await startTelemetry({
      ...BASE,
      prometheus: false,
      otlp: { endpoint: `${collector.endpoint}/`, headers: { 'x-api-key': 'collector-key' }, intervalMs: 60_000 },
    });
    try {
      telemetry.meter('agent').createCounter('signet_sds_pushes').add(2);
      telemetry.tracer('agent').startSpan('sds.push').end();
      await telemetry.flush();
      const traces = collector.requests.filter((r) => r.url === '/v1/traces');
      const metricRequests = collector.requests.filter((r) => r.url === '/v1/metrics');
      assert.equal(traces.length, 1);
      assert.ok(metricRequests.length >= 1);
      for (const request of [...traces, ...metricRequests]) {
        assert.equal(request.method, 'POST');
        assert.match(String(request.headers['content-type']), /application\/json/);
        assert.equal(request.headers['x-api-key'], 'collector-key');
        assert.ok(request.body.includes('"signet-test"'), 'body carries service.name');
        assert.ok(request.body.includes('example.org'), 'body carries the trust domain');
      }
      const traceBody = JSON.parse(traces[0]?.body ?? '{}') as {
        resourceSpans: { scopeSpans: { scope: { name: string }; spans: { name: string }[] }[] }[];
      };
      const scopeSpans = traceBody.resourceSpans[0]?.scopeSpans[0];
      assert.equal(scopeSpans?.scope.name, 'signet.agent');
      assert.equal(scopeSpans?.spans[0]?.name, 'sds.push');
      assert.ok(metricRequests.some((r) => r.body.includes('"signet_sds_pushes"')));
    } finally {
      await telemetry.shutdown();
      await collector.close();
    }
  });

  it('fails to start when the metrics port is taken, and can start afterwards', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await assert.rejects(startTelemetry({ ...BASE, prometheus: { host: '127.0.0.1', port } }), /EADDRINUSE/);
      const telemetry = await startTelemetry({ ...BASE, prometheus: false });
      await telemetry.shutdown();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('telemetryOptionsFromConfig', () => {
  it('maps the config section, naming the service', () => {
    const { config } = loadConfig({
      schema: coreConfigSchema,
      overrides: {
        trust_domain: 'prod.example',
        'telemetry.prometheus.port': 9464,
        'telemetry.otlp.endpoint': 'http://collector:4318',
        'telemetry.otlp.interval': '15s',
        'telemetry.otlp.headers': 'x-api-key=abc',
        'telemetry.resource_attributes': 'region=eu',
      },
    });
    assert.deepEqual(telemetryOptionsFromConfig(config, { service: 'ca', version: '0.1.0' }), {
      serviceName: 'signet-ca',
      trustDomain: 'prod.example',
      version: '0.1.0',
      prometheus: { host: '127.0.0.1', port: 9464 },
      otlp: { endpoint: 'http://collector:4318', headers: { 'x-api-key': 'abc' }, intervalMs: 15_000 },
      resourceAttributes: { region: 'eu' },
    });
  });

  it('turns Prometheus off and leaves OTLP out by default', () => {
    const { config } = loadConfig({ schema: coreConfigSchema, overrides: { 'telemetry.prometheus.enabled': false } });
    const options = telemetryOptionsFromConfig(config, { version: '0.1.0' });
    assert.equal(options.serviceName, 'signet');
    assert.equal(options.prometheus, false);
    assert.equal(options.otlp, undefined);
  });
});
