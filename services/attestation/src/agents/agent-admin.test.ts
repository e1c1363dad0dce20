import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createNode, readEvents, setNodeSelectors } from '@signet/datastore';
import { rejectsWithApi } from '../testing/assertions.js';
import { describeEachEngine } from '../testing/engines.js';
import { newJoinToken, noChallenge, testCsr, testLifecycle } from '../testing/lifecycle.js';
import { createAgentAdmin } from './agent-admin.js';
import { attestAgent } from './attest-agent.js';
import { createClassifyPeer } from './classify-peer.js';

describeEachEngine('agent administration', (t) => {
  const setup = () => {
    const life = testLifecycle(t.db);
    return { ...life, admin: createAgentAdmin({ db: t.db, clock: life.clock, logger: life.deps.logger }), classify: createClassifyPeer(t.db) };
  };
  const attest = async (life: ReturnType<typeof setup>, agentSpiffeId: string) => {
    const token = await newJoinToken(t.db, life.clock.now(), { agentSpiffeId });
    return attestAgent(life.deps, { attestationType: 'join_token', payload: Buffer.from(token), csr: testCsr() }, noChallenge);
  };

  it('gets an attested agent with its selectors and SVID', async () => {
    const life = setup();
    const result = await attest(life, 'spiffe://example.org/agents/a');
    const agent = await life.admin.getAgent('spiffe://example.org/agents/a');
    assert.equal(agent.attested, true);
    assert.equal(agent.banned, false);
    assert.equal(agent.x509SvidSerial, result.serial);
    assert.deepEqual(agent.x509SvidExpiresAt, result.expiresAt);
    assert.equal(agent.selectors.length, 1);
    assert.deepEqual(await life.classify('spiffe://example.org/agents/a'), { agent: true, spiffeId: 'spiffe://example.org/agents/a', attestationType: 'join_token' });
    assert.deepEqual(await life.classify('spiffe://example.org/agents/a', 'ffff'), { agent: false, reason: 'superseded_svid' });
  });

  it('evicts: clears the SVID and selectors, keeps the record, appends node.evicted', async () => {
    const life = setup();
    await attest(life, 'spiffe://example.org/agents/e');
    const agent = await life.admin.evictAgent('spiffe://example.org/agents/e');
    assert.equal(agent.attested, false);
    assert.equal(agent.x509SvidSerial, null);
    assert.deepEqual(agent.selectors, []);
    assert.deepEqual(await life.classify('spiffe://example.org/agents/e'), { agent: false, reason: 'evicted' });
    assert.equal((await readEvents(t.db, { afterRevision: 0 })).events.at(-1)?.kind, 'node.evicted');
  });

  it('bans and unbans: an unbanned agent is left evicted and must attest again', async () => {
    const life = setup();
    await attest(life, 'spiffe://example.org/agents/b');
    const banned = await life.admin.banAgent('spiffe://example.org/agents/b');
    assert.equal(banned.banned, true);
    assert.equal(banned.attested, false);
    assert.deepEqual(await life.classify('spiffe://example.org/agents/b'), { agent: false, reason: 'banned' });
    const unbanned = await life.admin.unbanAgent('spiffe://example.org/agents/b');
    assert.equal(unbanned.banned, false);
    assert.equal(unbanned.attested, false);
    assert.equal(unbanned.attestationType, 'join_token');
    assert.deepEqual(await life.classify('spiffe://example.org/agents/b'), { agent: false, reason: 'evicted' });
    const kinds = (await readEvents(t.db, { afterRevision: 0 })).events.map((e) => e.kind);
    assert.deepEqual(kinds.slice(-2), ['node.banned', 'node.unbanned']);
    const again = await attest(life, 'spiffe://example.org/agents/b');
    assert.equal(again.reattested, true);
  });

  it('lists agents by state and attestation type, a page at a time', async () => {
    const life = setup();
    const now = life.clock.now();
    for (let i = 0; i < 5; i++) {
      const spiffeId = `spiffe://example.org/agents/n${i}`;
      await createNode(t.db, { spiffeId, attestationType: i % 2 === 0 ? 'x509pop' : 'k8s_psat', certSerial: `0${i}`, certNotAfter: now, canReattest: true }, now);
      await setNodeSelectors(t.db, spiffeId, [{ type: 'zone', value: i < 3 ? 'a' : 'b' }], now);
    }
    await life.admin.banAgent('spiffe://example.org/agents/n1');
    await life.admin.evictAgent('spiffe://example.org/agents/n2');
    const ids = async (filter: Parameters<typeof life.admin.listAgents>[0]) => (await life.admin.listAgents(filter, { pageSize: 10 })).items.map((a) => a.spiffeId.slice(-2));
    assert.deepEqual(await ids({}), ['n0', 'n1', 'n2', 'n3', 'n4']);
    assert.deepEqual(await ids({ state: 'banned' }), ['n1']);
    assert.deepEqual(await ids({ state: 'evicted' }), ['n2']);
    assert.deepEqual(await ids({ state: 'attested' }), ['n0', 'n3', 'n4']);
    assert.deepEqual(await ids({ attestationType: 'x509pop' }), ['n0', 'n2', 'n4']);
    assert.deepEqual(await ids({ selectors: { selectors: [{ type: 'zone', value: 'b' }], match: 'superset' } }), ['n3', 'n4']);
    const first = await life.admin.listAgents({}, { pageSize: 2 });
    assert.deepEqual(first.items.map((a) => a.spiffeId.slice(-2)), ['n0', 'n1']);
    const second = await life.admin.listAgents({}, { pageSize: 2, pageToken: first.nextPageToken });
    assert.deepEqual(second.items.map((a) => a.spiffeId.slice(-2)), ['n2', 'n3']);
  });

  it('answers not_found for an unknown agent and invalid_argument for a malformed ID', async () => {
    const { admin } = setup();
    for (const op of [admin.getAgent, admin.evictAgent, admin.banAgent, admin.unbanAgent]) {
      await rejectsWithApi(op('spiffe://example.org/agents/ghost'), 'not_found', 'no agent "spiffe://example.org/agents/ghost"', 'spiffe_id');
      await rejectsWithApi(op('not an id'), 'invalid_argument', 'is not a valid SPIFFE ID', 'spiffe_id');
    }
    assert.deepEqual(await setup().classify('spiffe://example.org/agents/ghost'), { agent: false, reason: 'unknown' });
  });
});
