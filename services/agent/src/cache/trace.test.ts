// One trace from a registration change to the pushes it causes on the agent: the control plane
// sends the change's traceparent with the push-stream message; the agent applies it in a span of
// that trace, and the view listeners (SDS and Workload API pushes) run in it, also after the
// SVID of a new entry had to be issued first.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { FakeClock, startTelemetry, type Telemetry } from '@signet/platform';
import { TestCa } from '@signet/spiffe/testing';
import { applyTraced } from '../controlplane/sync-follower.js';
import { change, flushImmediates, quietLogger, snapshot, testBundle, testEntry } from '../testing/fixtures.js';
import { TestSigner } from '../testing/test-signer.js';
import { IdentityCache } from './identity-cache.js';
import { SvidIssuer } from './svid-issuer.js';

describe('tracing a registration change to the agent\'s pushes', () => {
  const spans = new InMemorySpanExporter();
  let telemetry: Telemetry;
  before(async () => {
    telemetry = await startTelemetry({ serviceName: 'signet-agent-test', version: '0', trustDomain: 'example.org', prometheus: false, spanExporters: [spans] });
  });
  after(async () => {
    await telemetry.shutdown();
  });

  it('continues the registrar request\'s trace in the apply span and in the push it causes', async () => {
    const clock = new FakeClock(new Date());
    const ca = TestCa.create('example.org', { now: new Date(clock.nowMs() - 60_000) });
    const cache = new IdentityCache({ trustDomain: 'example.org', clock });
    const signer = new TestSigner(ca, () => clock.now());
    const issuer = new SvidIssuer({ cache, signer, clock, logger: quietLogger() });
    cache.applySync(snapshot(1, [], [testBundle(ca)]));
    issuer.start();
    const pushes: Array<string | undefined> = [];
    const watch = cache.watch([{ type: 'unix', value: 'uid:1000' }], () => {
      const span = trace.getTracer('test').startSpan('push');
      pushes.push(span.spanContext().traceId);
      span.end();
    });

    // The admin's request, as the registrar serves it: its traceparent travels with the change.
    const request = trace.getTracer('test').startSpan('registrar CreateEntries');
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), request), carrier);
    request.end();
    const entry = testEntry({ spiffeId: 'spiffe://example.org/web' });
    signer.entries.set(entry.id, entry);
    applyTraced(cache, { ...change(2, { upserts: [entry] }), traceparent: carrier.traceparent! });
    await issuer.idle();
    await flushImmediates();

    const traceId = request.spanContext().traceId;
    const apply = spans.getFinishedSpans().find((s) => s.name === 'signet.agent.sync.apply');
    assert.equal(apply?.spanContext().traceId, traceId);
    assert.ok(pushes.length >= 1, 'the workload was pushed its new SVID');
    assert.equal(pushes[pushes.length - 1], traceId, 'the push is in the trace of the registration change');
    watch.close();
    await issuer.stop();
  });

  it('applies an untraced message without a span', () => {
    spans.reset();
    const cache = new IdentityCache({ trustDomain: 'example.org', clock: new FakeClock() });
    applyTraced(cache, change(1, {}));
    assert.equal(spans.getFinishedSpans().length, 0);
  });
});
