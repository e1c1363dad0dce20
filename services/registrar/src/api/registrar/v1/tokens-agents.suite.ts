/**
 * CreateJoinToken and the agent methods through the service table: tokens stored only as
 * hashes with their TTL, never logged or audited in clear; agents listed, shown, evicted,
 * banned and unbanned with the right state changes and events.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getJoinToken, hashJoinToken } from '@signet/datastore';
import { rejectsWithApiError } from '../../../testing/assertions.js';
import type { RegistrarHarness } from '../../../testing/harness.js';
import { seedAgent } from '../../../testing/seed.js';

/** Join token and agent tests. */
export function tokensAndAgentsSuite(h: RegistrarHarness): void {
  describe('CreateJoinToken', () => {
    it('returns a fresh value once, stores only its hash with a 10 minute default TTL, and audits the hash prefix', async () => {
      const token = await h.call('CreateJoinToken', {});
      assert.match(token.value, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(token.expires_at, String(Date.parse('2030-01-01T00:10:00Z') / 1000));
      assert.equal(token.agent_spiffe_id, '');
      const { rows } = await h.db.query<{ token_hash: string }>('SELECT token_hash FROM join_tokens');
      assert.deepEqual(rows, [{ token_hash: hashJoinToken(token.value) }]);
      const dump = JSON.stringify((await h.db.query('SELECT * FROM join_tokens')).rows) + JSON.stringify(await h.events());
      assert.ok(!dump.includes(token.value), 'the token value is stored nowhere');
      assert.equal(h.audit['token_hash_prefix'], hashJoinToken(token.value).slice(0, 12));
      assert.ok(!JSON.stringify(h.audit).includes(token.value));
      assert.ok(!h.logs.text.includes(token.value));
      assert.equal((await h.events()).at(-1)?.kind, 'join_token.created');
    });

    it('honours a TTL and an agent SPIFFE ID', async () => {
      const token = await h.call('CreateJoinToken', { ttl: 3600, agent_spiffe_id: 'spiffe://example.org/spire/agent/edge/node-9' });
      const stored = await getJoinToken(h.db, token.value);
      assert.equal(stored?.expiresAt.toISOString(), '2030-01-01T01:00:00.000Z');
      assert.equal(stored?.agentSpiffeId, 'spiffe://example.org/spire/agent/edge/node-9');
      assert.equal(token.agent_spiffe_id, 'spiffe://example.org/spire/agent/edge/node-9');
    });

    const bad: [string, { ttl?: number; agent_spiffe_id?: string }, string][] = [
      ['a TTL above the maximum', { ttl: 86_401 }, 'ttl'],
      ['a negative TTL', { ttl: -5 }, 'ttl'],
      ['an agent ID of another trust domain', { agent_spiffe_id: 'spiffe://other.org/spire/agent/x' }, 'agent_spiffe_id'],
      ['an agent ID outside the agent namespace', { agent_spiffe_id: 'spiffe://example.org/workload' }, 'agent_spiffe_id'],
      ['an invalid agent ID', { agent_spiffe_id: 'node-9' }, 'agent_spiffe_id'],
    ];
    for (const [name, request, field] of bad) {
      it(`refuses ${name}, storing nothing`, async () => {
        const before = await h.counts();
        await rejectsWithApiError(h.call('CreateJoinToken', request), { code: 'invalid_argument', field });
        assert.deepEqual(await h.counts(), before);
      });
    }
  });

  describe('agents', () => {
    async function seedThree(): Promise<[string, string, string]> {
      const now = h.clock.now();
      return [
        await seedAgent(h.db, 'a', { now, selectors: [{ type: 'region', value: 'eu' }, { type: 'zone', value: 'eu-1' }] }),
        await seedAgent(h.db, 'b', { now, attestationType: 'k8s_psat', selectors: [{ type: 'region', value: 'eu' }] }),
        await seedAgent(h.db, 'c', { now, attestationType: 'k8s_psat', selectors: [{ type: 'region', value: 'us' }] }),
      ];
    }

    it('lists by state, attestation type and selectors, a page at a time', async () => {
      const [a, b, c] = await seedThree();
      await h.call('BanAgent', { spiffe_id: c });
      const ids = async (request: Parameters<typeof h.call<'ListAgents'>>[1]): Promise<string[]> =>
        (await h.call('ListAgents', request)).agents.map((x) => x.spiffe_id);
      assert.deepEqual(await ids({}), [a, b, c].sort());
      assert.deepEqual(await ids({ state: 'banned' }), [c]);
      assert.deepEqual(await ids({ state: 'attested' }), [a, b].sort());
      assert.deepEqual(await ids({ state: 'evicted' }), []);
      assert.deepEqual(await ids({ attestation_type: 'k8s_psat' }), [b, c].sort());
      assert.deepEqual(await ids({ selectors: [{ type: 'region', value: 'eu' }], selector_match: 'SELECTOR_MATCH_SUPERSET' }), [a, b].sort());
      assert.deepEqual(await ids({ selectors: [{ type: 'region', value: 'eu' }] }), [b]);
      const first = await h.call('ListAgents', { page: { page_size: 2 } });
      const second = await h.call('ListAgents', { page: { page_size: 2, page_token: first.next_page_token } });
      assert.deepEqual([...first.agents, ...second.agents].map((x) => x.spiffe_id), [a, b, c].sort());
      assert.equal(second.next_page_token, '');
      await rejectsWithApiError(h.call('ListAgents', { state: 'sleeping' }), { code: 'invalid_argument', field: 'state' });
      await rejectsWithApiError(h.call('ListAgents', { page: { page_size: 5000 } }), { code: 'invalid_argument', field: 'page.page_size' });
    });

    it('shows an agent with its selectors and SVID', async () => {
      const [a] = await seedThree();
      const agent = await h.call('GetAgent', { spiffe_id: a });
      assert.deepEqual(agent.selectors, [{ type: 'region', value: 'eu' }, { type: 'zone', value: 'eu-1' }]);
      assert.equal(agent.x509_svid_serial, 'abcdef01');
      assert.equal(agent.attested, true);
      assert.equal(agent.banned, false);
      await rejectsWithApiError(h.call('GetAgent', { spiffe_id: 'spiffe://example.org/spire/agent/x/none' }), { code: 'not_found', field: 'spiffe_id' });
      await rejectsWithApiError(h.call('GetAgent', { spiffe_id: 'spiffe://other.org/spire/agent/x' }), { code: 'invalid_argument', field: 'spiffe_id' });
    });

    it('bans (clearing the SVID), refuses to evict a banned agent, unbans and evicts, each with an event and an audit', async () => {
      const [a, b, c] = await seedThree();
      const banned = await h.call('BanAgent', { spiffe_id: a });
      assert.deepEqual([banned.banned, banned.attested, banned.x509_svid_serial], [true, false, '']);
      assert.deepEqual(h.audit, { agent_id: a });
      assert.deepEqual([(await h.events()).at(-1)?.kind, (await h.events()).at(-1)?.subject], ['node.banned', a]);
      assert.equal((await h.call('BanAgent', { spiffe_id: a })).banned, true, 'banning twice is fine');
      await rejectsWithApiError(h.call('EvictAgent', { spiffe_id: a }), { code: 'failed_precondition', field: 'spiffe_id', message: 'banned' });
      await rejectsWithApiError(h.call('UnbanAgent', { spiffe_id: b }), { code: 'failed_precondition', field: 'spiffe_id', message: 'not banned' });
      const unbanned = await h.call('UnbanAgent', { spiffe_id: a });
      assert.deepEqual([unbanned.banned, unbanned.attested, unbanned.x509_svid_serial], [false, false, '']);
      assert.equal((await h.call('GetAgent', { spiffe_id: a })).banned, false);
      const evicted = await h.call('EvictAgent', { spiffe_id: b });
      assert.deepEqual([evicted.banned, evicted.attested, evicted.x509_svid_serial, evicted.selectors], [false, false, '', []]);
      const state = async (s: string): Promise<string[]> => (await h.call('ListAgents', { state: s })).agents.map((x) => x.spiffe_id);
      assert.deepEqual(await state('evicted'), [a, b].sort());
      assert.deepEqual(await state('attested'), [c]);
      assert.equal((await h.counts())['node_selectors'], 1, 'only the untouched agent keeps its selectors');
      const kinds = (await h.events()).map((e) => [e.kind, e.subject]);
      assert.deepEqual(kinds.slice(-2), [['node.unbanned', a], ['node.evicted', b]]);
      await rejectsWithApiError(h.call('EvictAgent', { spiffe_id: 'spiffe://example.org/spire/agent/x/none' }), { code: 'not_found', field: 'spiffe_id' });
      await rejectsWithApiError(h.call('BanAgent', { spiffe_id: 'spiffe://example.org/spire/agent/x/none' }), { code: 'not_found', field: 'spiffe_id' });
    });
  });
}
