import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { trace } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { ApiError } from '../api/api-error.js';
import { serverStream, unary } from '../api/handler.js';
import { startTelemetry, type Telemetry } from '../telemetry/telemetry.js';
import { streamMessages, unaryCall } from './client-calls.js';
import { signetProtos } from './protos.js';
import { startTestGrpcServer, type TestGrpcServer } from './testing.js';

const protos = signetProtos();

/** A metric reader collected on demand. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
  async points(name: string): Promise<{ attributes: Record<string, unknown>; value: unknown }[]> {
    const { resourceMetrics } = await this.collect();
    return pointsOf(resourceMetrics, name);
  }
}

function pointsOf(rm: ResourceMetrics, name: string): { attributes: Record<string, unknown>; value: unknown }[] {
  return rm.scopeMetrics
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === name)
    .flatMap((m) => m.dataPoints.map((p) => ({ attributes: p.attributes as Record<string, unknown>, value: p.value })));
}

describe('tracing and metrics of calls', () => {
  const spans = new InMemorySpanExporter();
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  let telemetry: Telemetry;
  let t: TestGrpcServer;

  before(async () => {
    telemetry = await startTelemetry({ serviceName: 'signet-test', version: '0', trustDomain: 'example.org', prometheus: false, spanExporters: [spans] });
    const tracer = telemetry.tracer('test');
    t = await startTestGrpcServer({
      telemetry: { tracer, meter: meterProvider.getMeter('signet.test') },
      services: [
        {
          definition: protos.ca,
          impl: {
            GetBundle: unary(['admin'], async (_req, ctx) => {
              ctx.logger.info('inside the handler');
              return tracer.startActiveSpan('datastore query', async (span) => {
                span.end();
                return { trust_domain: 'example.org' };
              });
            }),
            ListAuthorities: unary(['admin'], async () => {
              throw new ApiError('not_found', 'no such kind');
            }),
          },
        },
        {
          definition: protos.attestation,
          impl: {
            SyncAuthorized: serverStream(['admin'], async (_req, _ctx, send) => {
              await send({ revision: '1' });
            }),
          },
        },
      ],
    });
  });
  after(async () => {
    await t.close();
    await telemetry.shutdown();
    await meterProvider.shutdown();
  });

  test('a call made inside a client span produces a server span in the same trace, and handler spans nest under it', async () => {
    spans.reset();
    const ca = t.client(protos.ca);
    const clientSpan = await telemetry.tracer('client').startActiveSpan('client operation', async (span) => {
      await unaryCall((cb) => ca.GetBundle({}, cb));
      span.end();
      return span;
    });
    const finished = spans.getFinishedSpans();
    const server = finished.find((s) => s.name === 'rpc signet.ca.v1.CA/GetBundle');
    const inner = finished.find((s) => s.name === 'datastore query');
    assert.ok(server && inner);
    assert.equal(server.spanContext().traceId, clientSpan.spanContext().traceId);
    assert.equal(server.parentSpanContext?.spanId, clientSpan.spanContext().spanId);
    assert.equal(inner.parentSpanContext?.spanId, server.spanContext().spanId);
    assert.deepEqual(
      {
        system: server.attributes['rpc.system'],
        service: server.attributes['rpc.service'],
        method: server.attributes['rpc.method'],
        caller: server.attributes['signet.caller.kind'],
        status: server.attributes['rpc.grpc.status_code'],
      },
      { system: 'grpc', service: 'signet.ca.v1.CA', method: 'GetBundle', caller: 'admin', status: 0 },
    );
    const line = t.logs.records().find((r) => r.msg === 'inside the handler');
    assert.equal(line?.trace_id, clientSpan.spanContext().traceId, 'handler log lines carry the trace id');
    assert.equal(line?.method, 'signet.ca.v1.CA/GetBundle');
    assert.equal(line?.caller, 'admin (unix)');
  });

  test('a call made outside any span starts a new trace', async () => {
    spans.reset();
    await unaryCall((cb) => t.client(protos.ca).GetBundle({}, cb));
    const server = spans.getFinishedSpans().find((s) => s.name === 'rpc signet.ca.v1.CA/GetBundle');
    assert.ok(server);
    assert.equal(server.parentSpanContext, undefined);
    assert.equal(trace.getActiveSpan(), undefined);
  });

  test('requests, durations and active streams are recorded by method and code', async () => {
    const ca = t.client(protos.ca);
    const before = await reader.points('rpc.server.requests');
    const count = (points: typeof before, method: string, code: string) =>
      Number(points.find((p) => p.attributes.method === method && p.attributes.code === code)?.value ?? 0);
    await unaryCall((cb) => ca.GetBundle({}, cb));
    await assert.rejects(unaryCall((cb) => ca.ListAuthorities({}, cb)));
    for await (const _ of streamMessages(t.client(protos.attestation).SyncAuthorized({}))) void _;

    const requests = await reader.points('rpc.server.requests');
    assert.equal(count(requests, 'signet.ca.v1.CA/GetBundle', 'ok') - count(before, 'signet.ca.v1.CA/GetBundle', 'ok'), 1);
    assert.equal(count(requests, 'signet.ca.v1.CA/ListAuthorities', 'not_found') - count(before, 'signet.ca.v1.CA/ListAuthorities', 'not_found'), 1);
    const durations = await reader.points('rpc.server.duration');
    const histogram = durations.find((p) => p.attributes.method === 'signet.ca.v1.CA/ListAuthorities')?.value as { count: number } | undefined;
    assert.ok(histogram && histogram.count >= 1);
    const streams = await reader.points('rpc.server.active_streams');
    assert.equal(streams.find((p) => p.attributes.method === 'signet.attestation.v1.Attestation/SyncAuthorized')?.value, 0, 'the stream was counted and released');
  });
});
