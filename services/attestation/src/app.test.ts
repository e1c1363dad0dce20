import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { appendEvent, banNode, EventKinds } from '@signet/datastore';
import { startTelemetry, type Telemetry } from '@signet/platform';
import { SpiffeId } from '@signet/spiffe';
import { type TestApp, callAttestAgent, startTestApp } from './testing/app.js';
import { describeEachEngine } from './testing/engines.js';
import { createEntries } from './testing/registrar-writes.js';
import { openSync } from './testing/stream.js';
import { testCsr } from './testing/lifecycle.js';

describeEachEngine('attestation service (composition root)', (t) => {
  let running: TestApp | undefined;
  let telemetry: Telemetry | undefined;
  afterEach(async () => {
    await running?.close();
    await telemetry?.shutdown();
    running = undefined;
    telemetry = undefined;
  });

  it('records attestation outcomes by method, open streams, cache size and push latency', async () => {
    telemetry = await startTelemetry({ serviceName: 'signet-test', trustDomain: 'example.org', version: '0.0.0', prometheus: { host: '127.0.0.1', port: 0 } });
    const app = (running = await startTestApp(t.db, { extra: { meter: telemetry.meter('attestation') } }));
    const agent = (await app.attestJoinToken()).spiffe_id;
    await callAttestAgent(app.app, [{ step: 'params', params: { attestation_type: 'join_token', payload: Buffer.from('no-such-token-0000'), csr: Buffer.from(testCsr()) } }]).catch(() => undefined);
    const stream = openSync(app.app, agent);
    await stream.received(1);
    await createEntries(t.db, [{ spiffeId: 'spiffe://example.org/m', parentId: agent, selectors: [{ type: 'a', value: 'b' }] }], app.clock.now());
    await stream.received(2);
    const text = await (await fetch(telemetry.metricsAddress!.url)).text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
    assert.equal(value(/^signet_attestation_attestations(?:_total)?\{[^}]*method="join_token"[^}]*outcome="success"[^}]*\} (\d+)/m), 1, text);
    assert.equal(value(/^signet_attestation_attestations(?:_total)?\{[^}]*method="join_token"[^}]*outcome="permission_denied"[^}]*\} (\d+)/m), 1);
    assert.equal(value(/^signet_attestation_sync_streams\{[^}]*\} (\d+)/m), 1);
    assert.equal(value(/^signet_attestation_authorized_cache_agents\{[^}]*\} (\d+)/m), 1);
    assert.equal(value(/^signet_attestation_authorized_cache_entries\{[^}]*\} (\d+)/m), 1);
    assert.equal(value(/^signet_attestation_sync_push_latency_count\{[^}]*kind="change"[^}]*\} (\d+)/m), 1);
    stream.cancel();
    await stream.done;
  });

  it('classifies current agents from memory: at once after attesting, and after a ban by another replica', async () => {
    const app = (running = await startTestApp(t.db));
    const id = SpiffeId.parse((await app.attestJoinToken()).spiffe_id);
    assert.equal(app.app.agentRole(id), 'agent', 'written through, without waiting for the change feed');
    assert.equal(app.app.agentRole(SpiffeId.parse('spiffe://example.org/spire/agent/x509pop/unknown')), undefined);
    const now = app.clock.now();
    const revision = await t.db.transaction(async (tx) => {
      await banNode(tx, id.toString(), now);
      return (await appendEvent(tx, { kind: EventKinds.nodeBanned, subject: id.toString() }, now)).revision;
    });
    await app.app.whenApplied(revision);
    assert.equal(app.app.agentRole(id), undefined);
    assert.deepEqual(await app.app.classifyPeer(id.toString()), { agent: false, reason: 'banned' });
  });

  it('ends every sync stream with UNAVAILABLE when closed, and refuses calls afterwards', async () => {
    const app = (running = await startTestApp(t.db));
    const agent = (await app.attestJoinToken()).spiffe_id;
    const stream = openSync(app.app, agent);
    await stream.received(1);
    await app.close();
    await assert.rejects(stream.done, (err: Error & { apiCode?: string }) => err.apiCode === 'unavailable');
    await assert.rejects(openSync(app.app, agent).done, (err: Error & { apiCode?: string }) => err.apiCode === 'unavailable');
    await assert.rejects(app.app.start(), /cannot start/);
  });
});
