import assert from 'node:assert/strict';
import { it } from 'node:test';
import { getNode, readEvents } from '@signet/datastore';
import { verifyX509Svid } from '@signet/spiffe';
import { rejectsWithApi } from '../testing/assertions.js';
import { agentCaller, anonymous } from '../testing/call-context.js';
import { describeEachEngine } from '../testing/engines.js';
import { newJoinToken, noChallenge, testCsr, testLifecycle } from '../testing/lifecycle.js';
import { createAgentAdmin } from './agent-admin.js';
import { attestAgent } from './attest-agent.js';
import { renewAgent } from './renew-agent.js';

describeEachEngine('renewAgent', (t) => {
  async function attested() {
    const life = testLifecycle(t.db);
    const token = await newJoinToken(t.db, life.clock.now());
    const result = await attestAgent(life.deps, { attestationType: 'join_token', payload: Buffer.from(token), csr: testCsr() }, noChallenge);
    const admin = createAgentAdmin({ db: t.db, clock: life.clock, logger: life.deps.logger });
    return { ...life, agentId: result.agentId.toString(), serial: result.serial, admin };
  }

  it('issues a new SVID to the calling agent and records it', async () => {
    const { deps, clock, signer, agentId, serial } = await attested();
    clock.advance(1_800_000);
    const svid = await renewAgent(deps, agentCaller(agentId), testCsr());
    assert.notEqual(svid.serial, serial);
    assert.equal(verifyX509Svid(svid.certChain, signer.ca.x509Bundle(), { now: clock.now() }).id.toString(), agentId);
    assert.equal(svid.expiresAt.getTime(), clock.nowMs() + 3_600_000);
    const node = await getNode(t.db, agentId);
    assert.equal(node?.certSerial, svid.serial);
    assert.equal(node?.newCertSerial, null);
    const { events } = await readEvents(t.db, { afterRevision: 0 });
    assert.deepEqual(events.at(-1)?.kind, 'node.updated');
  });

  it('keeps the presented SVID current and rotates the new one in when the transport reports the serial', async () => {
    const { deps, agentId, serial } = await attested();
    const next = await renewAgent(deps, agentCaller(agentId), testCsr(), { presentedSerial: serial });
    let node = await getNode(t.db, agentId);
    assert.equal(node?.certSerial, serial);
    assert.equal(node?.newCertSerial, next.serial);
    const after = await renewAgent(deps, agentCaller(agentId), testCsr(), { presentedSerial: next.serial });
    node = await getNode(t.db, agentId);
    assert.equal(node?.certSerial, next.serial, 'using the new SVID promoted it');
    assert.equal(node?.newCertSerial, after.serial);
    await rejectsWithApi(renewAgent(deps, agentCaller(agentId), testCsr(), { presentedSerial: serial }), 'permission_denied', 'is not its current one');
  });

  const refusals = [
    { name: 'refuses an unknown agent', prepare: async () => 'spiffe://example.org/spire/agent/x509pop/nobody', message: 'is not attested' },
    {
      name: 'refuses a banned agent',
      prepare: async (a: Awaited<ReturnType<typeof attested>>) => (await a.admin.banAgent(a.agentId)).spiffeId,
      message: 'is banned',
    },
    {
      name: 'refuses an evicted agent',
      prepare: async (a: Awaited<ReturnType<typeof attested>>) => (await a.admin.evictAgent(a.agentId)).spiffeId,
      message: 'was evicted; it must attest again',
    },
  ];
  for (const r of refusals) {
    it(r.name, async () => {
      const a = await attested();
      const agentId = await r.prepare(a);
      await rejectsWithApi(renewAgent(a.deps, agentCaller(agentId), testCsr()), 'permission_denied', r.message);
      assert.equal(a.signer.issued.length, 1, 'nothing was signed');
    });
  }

  it('refuses a caller that is not an agent, and a bad CSR', async () => {
    const { deps, agentId } = await attested();
    await rejectsWithApi(renewAgent(deps, anonymous, testCsr()), 'permission_denied', 'only an agent');
    await rejectsWithApi(renewAgent(deps, agentCaller(agentId), Buffer.from('junk')), 'invalid_argument', 'csr:', 'csr');
  });
});
