import assert from 'node:assert/strict';
import { it } from 'node:test';
import { getJoinToken, hashJoinToken } from '@signet/datastore';
import { FakeClock } from '@signet/platform';
import { TrustDomain } from '@signet/spiffe';
import { rejectsWithApi } from '../../testing/assertions.js';
import { describeEachEngine } from '../../testing/engines.js';
import { newJoinToken, noChallenge } from '../../testing/lifecycle.js';
import { joinTokenAttestor } from './join-token.js';

const td = TrustDomain.parse('example.org');

describeEachEngine('join_token attestor', (t) => {
  const clock = new FakeClock();
  const ctx = () => ({ trustDomain: td, now: clock.now() });
  const attest = (token: string) => joinTokenAttestor({ db: t.db }).attest(Buffer.from(token), noChallenge, ctx());

  it('derives the agent ID and selector from the token hash, and consumes the token on commit', async () => {
    const token = await newJoinToken(t.db, clock.now());
    const result = await attest(token);
    const hash = hashJoinToken(token);
    assert.equal(result.agentId.toString(), `spiffe://example.org/spire/agent/join_token/${hash}`);
    assert.deepEqual(result.selectors, [{ type: 'join_token', value: hash }]);
    assert.equal(result.canReattest, false);
    assert.ok(!result.agentId.toString().includes(token));
    assert.equal((await getJoinToken(t.db, token))?.usedAt, null, 'checking alone does not consume');
    await t.db.transaction((tx) => result.commit!(tx, clock.now()));
    assert.deepEqual((await getJoinToken(t.db, token))?.usedAt, clock.now());
  });

  it('gives the agent the SPIFFE ID configured on the token', async () => {
    const token = await newJoinToken(t.db, clock.now(), { agentSpiffeId: 'spiffe://example.org/agents/build-7' });
    assert.equal((await attest(token)).agentId.toString(), 'spiffe://example.org/agents/build-7');
  });

  it('refuses a configured SPIFFE ID of another trust domain', async () => {
    const token = await newJoinToken(t.db, clock.now(), { agentSpiffeId: 'spiffe://other.org/agents/x' });
    await rejectsWithApi(attest(token), 'failed_precondition', 'is not a path in trust domain "example.org"', 'params.payload');
  });

  const refusals = [
    { name: 'refuses an unknown token', setup: async () => 'never-issued-token-0000', message: 'unknown join token' },
    {
      name: 'refuses a used token',
      setup: async () => {
        const token = await newJoinToken(t.db, clock.now());
        const first = await attest(token);
        await t.db.transaction((tx) => first.commit!(tx, clock.now()));
        return token;
      },
      message: 'join token was already used',
    },
    {
      name: 'refuses an expired token',
      setup: async () => {
        const token = await newJoinToken(t.db, clock.now(), { ttlSeconds: 60 });
        clock.advance(61_000);
        return token;
      },
      message: 'join token expired at',
    },
  ];
  for (const r of refusals) {
    it(r.name, async () => {
      const token = await r.setup();
      const err = await rejectsWithApi(attest(token), 'permission_denied', r.message, 'params.payload');
      assert.ok(!err.message.includes(token), 'the token is never echoed');
    });
  }

  it('lets only one of two nodes racing with the same token commit', async () => {
    const token = await newJoinToken(t.db, clock.now());
    const [a, b] = await Promise.all([attest(token), attest(token)]);
    await t.db.transaction((tx) => a.commit!(tx, clock.now()));
    await rejectsWithApi(
      t.db.transaction((tx) => b.commit!(tx, clock.now())),
      'permission_denied',
      'join token was already used',
      'params.payload',
    );
  });

  it('rejects an empty or non-UTF-8 payload', async () => {
    await rejectsWithApi(joinTokenAttestor({ db: t.db }).attest(new Uint8Array(), noChallenge, ctx()), 'invalid_argument', 'a join token is required', 'params.payload');
    await rejectsWithApi(joinTokenAttestor({ db: t.db }).attest(Uint8Array.of(0xff, 0xfe), noChallenge, ctx()), 'invalid_argument', 'UTF-8', 'params.payload');
  });
});
