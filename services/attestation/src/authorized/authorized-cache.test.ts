import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { deleteEntry, latestRevision } from '@signet/datastore';
import { FakeClock } from '@signet/platform';
import { createAttestationService } from '../app.js';
import { type TestApp, startTestApp } from '../testing/app.js';
import { rejectsWithApi } from '../testing/assertions.js';
import { testLogger } from '../testing/call-context.js';
import { testConfig } from '../testing/config.js';
import { describeEachEngine } from '../testing/engines.js';
import { createEntries } from '../testing/registrar-writes.js';
import { openSync } from '../testing/stream.js';
import { TestAgentSvidSigner } from '../testing/test-signer.js';

const SERVER = 'spiffe://example.org/spire/server';

describeEachEngine('authorized entries cache and EntryAuthorizer', (t) => {
  let running: TestApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  const start = async (config: Record<string, unknown> = {}) => {
    running = await startTestApp(t.db, { config });
    return running;
  };

  it('authorizes direct, nested and node-alias entries of the agent, and nothing else', async () => {
    const app = await start();
    const attested = await app.attestJoinToken();
    const agent = attested.spiffe_id;
    const now = app.clock.now();
    const { entries, revision } = await createEntries(
      t.db,
      [
        { id: 'direct', spiffeId: 'spiffe://example.org/direct', parentId: agent, selectors: [{ type: 'a', value: '1' }] },
        { id: 'nested', spiffeId: 'spiffe://example.org/nested', parentId: 'spiffe://example.org/direct', selectors: [{ type: 'a', value: '2' }] },
        { id: 'alias', spiffeId: 'spiffe://example.org/group', parentId: SERVER, selectors: [attested.selectors[0]!] },
        { id: 'via-alias', spiffeId: 'spiffe://example.org/via', parentId: 'spiffe://example.org/group', selectors: [{ type: 'a', value: '3' }] },
        { id: 'foreign', spiffeId: 'spiffe://example.org/foreign', parentId: 'spiffe://example.org/spire/agent/x', selectors: [{ type: 'a', value: '4' }] },
        { id: 'expiring', spiffeId: 'spiffe://example.org/exp', parentId: agent, selectors: [{ type: 'a', value: '5' }], expiresAt: new Date(now.getTime() + 60_000) },
      ],
      now,
    );
    await app.app.whenApplied(revision);
    const authorized = async (id: string) => (await app.app.authorizer.authorizedEntry(agent, id))?.id;
    assert.equal(await authorized('direct'), 'direct');
    assert.equal(await authorized('nested'), 'nested');
    assert.equal(await authorized('via-alias'), 'via-alias');
    assert.equal(await authorized('alias'), undefined, 'an alias is not an entry the agent serves');
    assert.equal(await authorized('foreign'), undefined);
    assert.equal(await authorized('expiring'), 'expiring');
    app.clock.advance(60_000);
    assert.equal(await authorized('expiring'), undefined, 'an expired entry is refused');
    assert.equal(await app.app.authorizer.authorizedEntry('spiffe://example.org/spire/agent/nobody', 'direct'), undefined);
    assert.equal(entries.length, 6);

    await app.app.agentAdmin.banAgent(agent);
    await app.app.whenApplied(await latestRevision(t.db));
    assert.equal(await authorized('direct'), undefined, 'a banned agent serves nothing');
  });

  it('follows entries changed without events after a resync (what pruned events lead to)', async () => {
    const app = await start();
    const agent = (await app.attestJoinToken()).spiffe_id;
    const { revision } = await createEntries(
      t.db,
      [
        { id: 'keep', spiffeId: 'spiffe://example.org/keep', parentId: agent, selectors: [{ type: 'a', value: '1' }] },
        { id: 'lost', spiffeId: 'spiffe://example.org/lost', parentId: agent, selectors: [{ type: 'a', value: '2' }] },
      ],
      app.clock.now(),
    );
    await app.app.whenApplied(revision);
    const stream = openSync(app.app, agent);
    try {
      await stream.received(1);
      await deleteEntry(t.db, 'lost');
      assert.equal((await app.app.authorizer.authorizedEntry(agent, 'lost'))?.id, 'lost', 'no event, so not seen yet');
      await app.app.resync();
      const [, change] = await stream.received(2);
      assert.deepEqual(change?.removals?.map((r) => r.entry_id), ['lost']);
      assert.equal(await app.app.authorizer.authorizedEntry(agent, 'lost'), undefined);
    } finally {
      stream.cancel();
    }
  });

  it('keeps at most max_cached_agents idle views, but never drops one a stream follows', async () => {
    const app = await start({ 'sync.max_cached_agents': 1 });
    const a = (await app.attestJoinToken()).spiffe_id;
    const b = (await app.attestJoinToken()).spiffe_id;
    const stream = openSync(app.app, a);
    try {
      await stream.received(1);
      await app.app.authorizer.authorizedEntry(b, 'x');
      const { revision } = await createEntries(t.db, [{ spiffeId: 'spiffe://example.org/for-a', parentId: a, selectors: [{ type: 'a', value: '1' }] }], app.clock.now());
      await app.app.whenApplied(revision);
      const [, change] = await stream.received(2);
      assert.equal(change?.upserts?.[0]?.spiffe_id, 'spiffe://example.org/for-a', 'the followed view was kept current');
    } finally {
      stream.cancel();
    }
  });

  it('answers unavailable before it is started', async () => {
    const clock = new FakeClock();
    const app = createAttestationService({ db: t.db, config: testConfig(), clock, logger: testLogger().logger, signer: new TestAgentSvidSigner('example.org', clock), trustDomain: 'example.org' });
    await rejectsWithApi(app.authorizer.authorizedEntry('spiffe://example.org/a', 'e'), 'unavailable', 'not started');
    await app.close();
  });
});
