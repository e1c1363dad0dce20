/**
 * The registrar's child spans under the transport's RPC span: a CreateEntries call over gRPC
 * shows its datastore work as `registrar.entries.insert`, and a failing step is recorded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { openPGliteTestDatabase, type TestDatabase } from '@signet/datastore';
import { captureLogs, createLogger, signetProtos, startTelemetry, startTestGrpcServer, unaryCall, type Telemetry } from '@signet/platform';
import { createRegistrarService, type RegistrarApp } from '../app.js';
import { entryRequest } from '../testing/seed.js';
import { inSpan } from './spans.js';

describe('registrar spans', () => {
  const spans = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let database: TestDatabase;
  let registrar: RegistrarApp;

  before(async () => {
    telemetry = await startTelemetry({ serviceName: 'signet-test', version: '0', trustDomain: 'example.org', prometheus: false, spanExporters: [spans] });
    database = await openPGliteTestDatabase();
    const logger = createLogger({ level: 'warn', service: 'test', destination: captureLogs().stream });
    registrar = createRegistrarService({ db: database.db, trustDomain: 'example.org', logger, tracer: telemetry.tracer('registrar') });
  });
  after(async () => {
    await registrar.close();
    await database.dispose();
    await telemetry.shutdown();
  });

  it('nests the datastore work of a call under its RPC span', async () => {
    const protos = signetProtos();
    const server = await startTestGrpcServer({ services: [{ definition: protos.registrar, impl: registrar.service }], telemetry: { tracer: telemetry.tracer('grpc') } });
    try {
      const client = server.client(protos.registrar);
      await unaryCall((cb) => client.CreateEntries({ entries: [entryRequest(1), entryRequest(2)] }, cb));
    } finally {
      await server.close();
    }
    const finished = spans.getFinishedSpans();
    const insert = finished.find((s) => s.name === 'registrar.entries.insert');
    assert.ok(insert, `spans: ${finished.map((s) => s.name).join(', ')}`);
    assert.equal(insert.attributes['signet.entries.count'], 2);
    const parent = finished.find((s) => s.spanContext().spanId === insert.parentSpanContext?.spanId);
    assert.ok(parent, 'the insert span has a parent');
    assert.equal(parent.spanContext().traceId, insert.spanContext().traceId);
  });

  it('records a failure on the span and rethrows it', async () => {
    spans.reset();
    await assert.rejects(inSpan(telemetry.tracer('registrar'), 'registrar.test.fail', {}, async () => Promise.reject(new Error('boom'))), /boom/);
    const span = spans.getFinishedSpans().find((s) => s.name === 'registrar.test.fail');
    assert.equal(span?.status.code, 2);
    assert.equal(span?.status.message, 'boom');
  });
});
