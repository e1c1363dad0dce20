import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { getJoinToken, getNode, getNodeSelectors, hashJoinToken, readEvents } from '@signet/datastore';
import { FakeClock } from '@signet/platform';
import { SpiffeBundle, TrustDomain, verifyX509Svid } from '@signet/spiffe';
import { rejectsWithApi } from '../testing/assertions.js';
import { describeEachEngine } from '../testing/engines.js';
import { newJoinToken, noChallenge, testCsr, testLifecycle } from '../testing/lifecycle.js';
import { type X509PopFixture, x509PopFixture } from '../testing/x509pop-node.js';
import { createAgentAdmin } from './agent-admin.js';
import { attestAgent } from './attest-agent.js';

describeEachEngine('attestAgent', (t) => {
  let pop: X509PopFixture;
  const setup = () => testLifecycle(t.db, [pop.attestor]);
  before(async () => {
    pop = await x509PopFixture(new FakeClock());
  });
  after(async () => {
    await pop.dispose();
  });

  it('attests with a join token: records the node, its selectors and SVID, appends events, consumes the token', async () => {
    const { deps, clock, signer } = setup();
    const token = await newJoinToken(t.db, clock.now());
    const result = await attestAgent(deps, { attestationType: 'join_token', payload: Buffer.from(token), csr: testCsr() }, noChallenge);
    const agentId = `spiffe://example.org/spire/agent/join_token/${hashJoinToken(token)}`;
    assert.equal(result.agentId.toString(), agentId);
    assert.equal(result.reattested, false);
    const verified = verifyX509Svid(result.svidChain, signer.ca.x509Bundle(), { now: clock.now() });
    assert.equal(verified.id.toString(), agentId);
    assert.equal(result.expiresAt.getTime(), clock.nowMs() + 3_600_000);
    assert.ok(result.bundle instanceof SpiffeBundle && result.bundle.trustDomain.equals(TrustDomain.parse('example.org')));
    const node = await getNode(t.db, agentId);
    assert.equal(node?.certSerial, result.serial);
    assert.equal(node?.attestationType, 'join_token');
    assert.equal(node?.canReattest, false);
    assert.deepEqual(await getNodeSelectors(t.db, agentId), [{ type: 'join_token', value: hashJoinToken(token) }]);
    assert.notEqual((await getJoinToken(t.db, token))?.usedAt, null);
    const { events } = await readEvents(t.db, { afterRevision: 0 });
    assert.deepEqual(
      events.map((e) => [e.kind, e.subject]),
      [
        ['node.attested', agentId],
        ['node.selectors_changed', agentId],
      ],
    );
  });

  it('refuses to reuse a join token', async () => {
    const { deps, clock } = setup();
    const token = await newJoinToken(t.db, clock.now());
    await attestAgent(deps, { attestationType: 'join_token', payload: Buffer.from(token), csr: testCsr() }, noChallenge);
    await rejectsWithApi(
      attestAgent(deps, { attestationType: 'join_token', payload: Buffer.from(token), csr: testCsr() }, noChallenge),
      'permission_denied',
      'join token was already used',
      'params.payload',
    );
  });

  it('checks the CSR before the evidence, so a bad CSR does not burn the token', async () => {
    const { deps, clock } = setup();
    const token = await newJoinToken(t.db, clock.now());
    await rejectsWithApi(
      attestAgent(deps, { attestationType: 'join_token', payload: Buffer.from(token), csr: Buffer.from('junk') }, noChallenge),
      'invalid_argument',
      'csr:',
      'params.csr',
    );
    await rejectsWithApi(attestAgent(deps, { attestationType: 'join_token', payload: Buffer.from(token), csr: new Uint8Array() }, noChallenge), 'invalid_argument', 'is required', 'params.csr');
    assert.equal((await getJoinToken(t.db, token))?.usedAt, null);
  });

  it('rejects an attestation type that is not enabled, naming the field', async () => {
    const { deps } = setup();
    await rejectsWithApi(
      attestAgent(deps, { attestationType: 'aws_iid', payload: Buffer.from('x'), csr: testCsr() }, noChallenge),
      'invalid_argument',
      '"aws_iid" is not an enabled attestation type (enabled: join_token, x509pop)',
      'params.attestation_type',
    );
  });

  it('lets an x509pop node re-attest and refreshes its selectors and serial', async () => {
    const { deps } = setup();
    const node = pop.node('node-a');
    const first = await attestAgent(deps, { attestationType: 'x509pop', payload: pop.payload(node), csr: testCsr() }, pop.challenge(node));
    const second = await attestAgent(deps, { attestationType: 'x509pop', payload: pop.payload(node), csr: testCsr() }, pop.challenge(node));
    assert.equal(second.agentId.toString(), first.agentId.toString());
    assert.equal(second.reattested, true);
    assert.notEqual(second.serial, first.serial);
    assert.equal((await getNode(t.db, first.agentId.toString()))?.certSerial, second.serial);
  });

  it('refuses a banned agent, naming the ban, and records nothing', async () => {
    const { deps, clock, logs } = setup();
    const node = pop.node('node-b');
    const first = await attestAgent(deps, { attestationType: 'x509pop', payload: pop.payload(node), csr: testCsr() }, pop.challenge(node));
    await createAgentAdmin({ db: t.db, clock, logger: deps.logger }).banAgent(first.agentId.toString());
    await rejectsWithApi(
      attestAgent(deps, { attestationType: 'x509pop', payload: pop.payload(node), csr: testCsr() }, pop.challenge(node)),
      'permission_denied',
      'is banned; an administrator must unban it',
    );
    const record = await getNode(t.db, first.agentId.toString());
    assert.equal(record?.banned, true);
    assert.equal(record?.certSerial, null);
    assert.ok(logs.text.includes('agent attestation refused'));
  });

  it('refuses a second attestation of a join-token agent until it is evicted, then accepts it', async () => {
    const { deps, clock } = setup();
    const agentSpiffeId = 'spiffe://example.org/agents/fixed';
    const first = await newJoinToken(t.db, clock.now(), { agentSpiffeId });
    const second = await newJoinToken(t.db, clock.now(), { agentSpiffeId });
    await attestAgent(deps, { attestationType: 'join_token', payload: Buffer.from(first), csr: testCsr() }, noChallenge);
    await rejectsWithApi(
      attestAgent(deps, { attestationType: 'join_token', payload: Buffer.from(second), csr: testCsr() }, noChallenge),
      'permission_denied',
      'cannot re-attest; an administrator must evict it first',
    );
    assert.equal((await getJoinToken(t.db, second))?.usedAt, null, 'the refused attestation did not burn the second token');
    await createAgentAdmin({ db: t.db, clock, logger: deps.logger }).evictAgent(agentSpiffeId);
    const again = await attestAgent(deps, { attestationType: 'join_token', payload: Buffer.from(second), csr: testCsr() }, noChallenge);
    assert.equal(again.agentId.toString(), agentSpiffeId);
    assert.equal(again.reattested, true);
    assert.equal((await getNode(t.db, agentSpiffeId))?.certSerial, again.serial);
  });

  it('never logs the join token', async () => {
    const { deps, clock, logs } = setup();
    const token = await newJoinToken(t.db, clock.now());
    await attestAgent(deps, { attestationType: 'join_token', payload: Buffer.from(token), csr: testCsr() }, noChallenge);
    await attestAgent(deps, { attestationType: 'join_token', payload: Buffer.from(token), csr: testCsr() }, noChallenge).catch(() => undefined);
    assert.ok(logs.text.length > 0);
    assert.ok(!logs.text.includes(token));
  });
});
