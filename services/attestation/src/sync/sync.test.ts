import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { appendEvent, createFederationRelationship, EventKinds, type NewRegistrationEntry, setNodeSelectors, updateFederationRelationship } from '@signet/datastore';
import { JwtBundle, SpiffeBundle, TrustDomain, X509Bundle } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { type TestApp, startTestApp } from '../testing/app.js';
import { describeEachEngine } from '../testing/engines.js';
import { changeEntry, createEntries, removeEntry, storeBundle } from '../testing/registrar-writes.js';
import { openSync, type TestStream } from '../testing/stream.js';

const SERVER = 'spiffe://example.org/spire/server';

describeEachEngine('SyncAuthorized', (t) => {
  const open: { app?: TestApp; streams: TestStream[] } = { streams: [] };
  afterEach(async () => {
    for (const s of open.streams.splice(0)) s.cancel();
    await open.app?.close();
    open.app = undefined;
  });
  const start = async (config: Record<string, unknown> = {}) => {
    open.app = await startTestApp(t.db, { config });
    return open.app;
  };
  const sync = (app: TestApp, agentId: string, from = 0) => {
    const s = openSync(app.app, agentId, from);
    open.streams.push(s);
    return s;
  };
  const workloads = (parentId: string, n: number, prefix = 'w'): NewRegistrationEntry[] =>
    Array.from({ length: n }, (_, i) => ({ spiffeId: `spiffe://example.org/${prefix}/${i}`, parentId, selectors: [{ type: 'unix', value: `uid:${i}` }] }));

  it('sends the snapshot in chunks (1,200 entries at 500 per message: 3 messages), then a created entry as one upsert', async () => {
    const app = await start();
    const agent = (await app.attestJoinToken()).spiffe_id;
    await createEntries(t.db, workloads(agent, 1200), app.clock.now());
    const { revision } = await createEntries(t.db, workloads('spiffe://example.org/spire/agent/other', 10, 'other'), app.clock.now());
    await app.app.whenApplied(revision);
    const stream = sync(app, agent);
    const snapshot = await stream.received(3);
    assert.deepEqual(
      snapshot.map((m) => m.upserts?.length),
      [500, 500, 200],
    );
    assert.deepEqual(
      snapshot.map((m) => [m.snapshot, m.snapshot_done]),
      [
        [true, false],
        [true, false],
        [true, true],
      ],
    );
    assert.equal(new Set(snapshot.map((m) => String(m.revision))).size, 1, 'one revision for the whole snapshot');
    assert.equal(Number(snapshot[0]?.revision), app.app.revision());
    assert.deepEqual(
      snapshot[0]?.bundles?.map((b) => b.trust_domain),
      ['example.org'],
    );
    assert.equal(new Set(snapshot.flatMap((m) => m.upserts ?? []).map((e) => e.id)).size, 1200);
    assert.ok(snapshot.flatMap((m) => m.upserts ?? []).every((e) => e.parent_id === agent));

    const created = await createEntries(t.db, [{ spiffeId: 'spiffe://example.org/late', parentId: agent, selectors: [{ type: 'unix', value: 'uid:9' }] }], app.clock.now());
    const [, , , change] = await stream.received(4);
    assert.equal(change?.snapshot, false);
    assert.deepEqual(
      change?.upserts?.map((e) => e.spiffe_id),
      ['spiffe://example.org/late'],
    );
    assert.equal(Number(change?.revision), created.revision);
    assert.equal(stream.messages.length, 4);
  });

  it('resumes from a revision with only the changes since, and sends a fresh snapshot when it cannot', async () => {
    const app = await start();
    const agent = (await app.attestJoinToken()).spiffe_id;
    const { entries, revision: created } = await createEntries(t.db, workloads(agent, 3), app.clock.now());
    await app.app.whenApplied(created);
    const first = sync(app, agent);
    const [snapshot] = await first.received(1);
    const from = Number(snapshot?.revision);
    assert.ok(from > 0);
    first.cancel();
    await first.done;

    await removeEntry(t.db, entries[0]!.id, app.clock.now());
    const changed = await changeEntry(t.db, entries[1]!.id, { x509SvidTtl: 600 }, app.clock.now());
    const added = await createEntries(t.db, [{ spiffeId: 'spiffe://example.org/added', parentId: agent, selectors: [{ type: 'a', value: 'b' }] }], app.clock.now());
    await app.app.whenApplied(added.revision);
    assert.ok(added.revision > changed);

    const resumed = sync(app, agent, from);
    const [delta] = await resumed.received(1);
    assert.equal(delta?.snapshot, false);
    assert.equal(Number(delta?.revision), added.revision);
    assert.deepEqual(
      delta?.removals?.map((r) => r.entry_id),
      [entries[0]!.id],
    );
    assert.deepEqual(delta?.upserts?.map((e) => e.spiffe_id).sort(), ['spiffe://example.org/added', entries[1]!.spiffeId].sort());
    assert.equal(delta?.upserts?.find((e) => e.id === entries[1]!.id)?.x509_svid_ttl, 600);

    const current = sync(app, agent, added.revision);
    const [nothing] = await current.received(1);
    assert.equal(nothing?.snapshot, false);
    assert.equal(Number(nothing?.revision), added.revision);
    assert.equal((nothing?.upserts?.length ?? 0) + (nothing?.removals?.length ?? 0), 0);

    // A new process has no journal for this agent: a snapshot, not a guess.
    await app.close();
    open.app = await startTestApp(t.db, { clock: app.clock, signer: app.signer });
    const elsewhere = sync(open.app, agent, from);
    const [fresh] = await elsewhere.received(1);
    assert.equal(fresh?.snapshot, true);
    assert.equal(fresh?.snapshot_done, true);
    assert.equal(fresh?.upserts?.length, 3);
  });

  it('re-evaluates node aliases when aliases or the node selectors change', async () => {
    const app = await start();
    const attested = await app.attestJoinToken();
    const agent = attested.spiffe_id;
    const nodeSelector = attested.selectors[0]!;
    const stream = sync(app, agent);
    await stream.received(1);
    const alias = await createEntries(t.db, [{ spiffeId: 'spiffe://example.org/group/a', parentId: SERVER, selectors: [nodeSelector] }], app.clock.now());
    const child = await createEntries(t.db, [{ spiffeId: 'spiffe://example.org/via-alias', parentId: 'spiffe://example.org/group/a', selectors: [{ type: 'k8s', value: 'sa:web' }] }], app.clock.now());
    const messages = await stream.received(2);
    assert.deepEqual(messages[1]?.upserts?.map((e) => e.id), [child.entries[0]!.id], 'the alias itself is not sent');

    // The node loses the selector: the alias no longer applies.
    const now = app.clock.now();
    await t.db.transaction(async (tx) => {
      await setNodeSelectors(tx, agent, [{ type: 'join_token', value: 'something-else' }], now);
      await appendEvent(tx, { kind: EventKinds.nodeSelectorsChanged, subject: agent }, now);
    });
    const [, , removal] = await stream.received(3);
    assert.deepEqual(removal?.removals?.map((r) => r.entry_id), [child.entries[0]!.id]);

    // The alias is changed to match again.
    await changeEntry(t.db, alias.entries[0]!.id, { selectors: [{ type: 'join_token', value: 'something-else' }] }, app.clock.now());
    const [, , , back] = await stream.received(4);
    assert.deepEqual(back?.upserts?.map((e) => e.id), [child.entries[0]!.id]);
  });

  it('ends the stream with PERMISSION_DENIED when the agent is banned, and refuses new streams', async () => {
    const app = await start();
    const agent = (await app.attestJoinToken()).spiffe_id;
    const stream = sync(app, agent);
    await stream.received(1);
    await app.app.agentAdmin.banAgent(agent);
    await assert.rejects(stream.done, (err: Error & { apiCode?: string }) => err.apiCode === 'permission_denied' && /is banned/.test(err.message));
    await assert.rejects(sync(app, agent).done, (err: Error & { apiCode?: string }) => err.apiCode === 'permission_denied' && /is banned/.test(err.message));
  });

  it('ends the stream when the agent is evicted', async () => {
    const app = await start();
    const agent = (await app.attestJoinToken()).spiffe_id;
    const stream = sync(app, agent);
    await stream.received(1);
    await app.app.agentAdmin.evictAgent(agent);
    await assert.rejects(stream.done, /was evicted; it must attest again/);
  });

  it('folds the changes that arrive while the agent is slow into one message', async () => {
    const app = await start();
    const agent = (await app.attestJoinToken()).spiffe_id;
    const stream = sync(app, agent);
    await stream.received(1);
    stream.hold();
    const a = await createEntries(t.db, workloads(agent, 1, 'first'), app.clock.now());
    await app.app.whenApplied(a.revision);
    const b = await createEntries(t.db, workloads(agent, 2, 'second'), app.clock.now());
    const c = await removeEntry(t.db, a.entries[0]!.id, app.clock.now());
    await app.app.whenApplied(c);
    stream.release();
    const messages = await stream.received(3);
    const all = messages.slice(1);
    const upserted = all.flatMap((m) => m.upserts ?? []).map((e) => e.id);
    assert.ok(b.entries.every((e) => upserted.includes(e.id)));
    assert.equal(Number(all.at(-1)?.revision), c);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stream.messages.length, 3, 'the held-back changes were folded into one message');
  });

  it('sends the federated bundles the agent\'s entries federate with, and bundle updates', async () => {
    const app = await start();
    const agent = (await app.attestJoinToken()).spiffe_id;
    const partner = TestCa.create('partner.org', { now: app.clock.now() });
    const partnerBundle = SpiffeBundle.fromX509AndJwt(partner.x509Bundle(), JwtBundle.empty(TrustDomain.parse('partner.org')), { sequenceNumber: 7n });
    await storeBundle(t.db, partnerBundle, 'federated', app.clock.now());
    const stream = sync(app, agent);
    const [snapshot] = await stream.received(1);
    assert.deepEqual(snapshot?.bundles?.map((b) => b.trust_domain), ['example.org']);
    await createEntries(t.db, [{ spiffeId: 'spiffe://example.org/fed', parentId: agent, selectors: [{ type: 'a', value: 'b' }], federatesWith: ['partner.org'] }], app.clock.now());
    const [, withBundle] = await stream.received(2);
    assert.deepEqual(withBundle?.bundles?.map((b) => [b.trust_domain, b.sequence_number]), [['partner.org', '7']]);
    const rotated = X509Bundle.fromAuthorities(TrustDomain.parse('example.org'), [app.signer.ca.certificate, partner.certificate]);
    await storeBundle(t.db, SpiffeBundle.fromX509AndJwt(rotated, JwtBundle.empty(rotated.trustDomain), { sequenceNumber: 2n }), 'local', app.clock.now());
    const [, , local] = await stream.received(3);
    assert.equal(local?.bundles?.[0]?.trust_domain, 'example.org');
    assert.equal(local?.bundles?.[0]?.x509_authorities?.length, 2);
  });

  it('sends a bundle trusted by all workloads to every agent, marked so, and takes it back when the flag is cleared', async () => {
    const app = await start();
    const agent = (await app.attestJoinToken()).spiffe_id;
    const partner = TestCa.create('partner.org', { now: app.clock.now() });
    await storeBundle(t.db, SpiffeBundle.fromX509AndJwt(partner.x509Bundle(), JwtBundle.empty(TrustDomain.parse('partner.org'))), 'federated', app.clock.now());
    const stream = sync(app, agent);
    await stream.received(1);
    const setTrusted = (trustedByAll: boolean, create: boolean) =>
      t.db.transaction(async (tx) => {
        if (create) {
          await createFederationRelationship(tx, { trustDomain: 'partner.org', bundleEndpointUrl: 'https://partner.org/bundle', bundleEndpointProfile: 'https_web', trustedByAll }, app.clock.now());
        } else {
          await updateFederationRelationship(tx, 'partner.org', { trustedByAll }, app.clock.now());
        }
        await appendEvent(tx, { kind: create ? EventKinds.federationRelationshipCreated : EventKinds.federationRelationshipUpdated, subject: 'partner.org' }, app.clock.now());
      });
    await setTrusted(true, true);
    const [, added] = await stream.received(2);
    assert.deepEqual(added?.bundles?.map((b) => [b.trust_domain, b.trusted_by_all]), [['partner.org', true]]);
    await setTrusted(false, false);
    const [, , removed] = await stream.received(3);
    assert.deepEqual(removed?.removed_bundles, ['partner.org'], 'an agent whose entries do not federate with it loses the bundle');
  });

  it('rejects a malformed from_revision, naming the field', async () => {
    const app = await start();
    const agent = (await app.attestJoinToken()).spiffe_id;
    await assert.rejects(sync(app, agent, -1).done, (err: Error & { field?: string }) => err.field === 'from_revision');
  });
});
