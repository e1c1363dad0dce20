// Change events carry the W3C traceparent of the request that appended them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { appendEvent } from './append.js';
import { openPGliteTestDatabase, type TestDatabase } from '../testing/test-databases.js';

describe('change events and tracing', () => {
  let db: TestDatabase;
  const provider = new NodeTracerProvider();
  before(async () => {
    provider.register();
    db = await openPGliteTestDatabase();
  });
  after(async () => {
    await db.dispose();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('stamps the traceparent of the active span into the payload', async () => {
    const span = trace.getTracer('test').startSpan('request');
    const event = await context.with(trace.setSpan(context.active(), span), () => appendEvent(db.db, { kind: 'entry.created', subject: 'e1', payload: { parentId: 'p' } }, new Date()));
    span.end();
    const payload = event.payload as { parentId: string; traceparent: string };
    assert.equal(payload.parentId, 'p');
    assert.equal(payload.traceparent, `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  it('adds nothing outside a span', async () => {
    const event = await appendEvent(db.db, { kind: 'entry.created', subject: 'e2', payload: { parentId: 'p' } }, new Date());
    assert.deepEqual(event.payload, { parentId: 'p' });
  });
});
