import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@signet/platform';
import { TestCa } from '@signet/spiffe/testing';
import { IdentityCache } from './identity-cache.js';
import { SvidIssuer } from './svid-issuer.js';
import { TestSigner } from '../testing/test-signer.js';
import { change, flushImmediates, quietLogger, snapshot, testBundle, testEntry } from '../testing/fixtures.js';
import type { WorkloadView } from '../domain/view.js';
import type { AgentEntry } from '../domain/entry.js';

const TD = 'example.org';
const uid = (n: number) => ({ type: 'unix', value: `uid:${n}` });

function setup(options: { maxSvids?: number; idleMs?: number } = {}) {
  const clock = new FakeClock(new Date('2026-01-01T00:00:00Z'));
  const ca = TestCa.create(TD, { now: clock.now(), ttlSeconds: 7 * 86400 });
  const cache = new IdentityCache({ trustDomain: TD, clock, ...options });
  const signer = new TestSigner(ca, () => clock.now());
  const issuer = new SvidIssuer({ cache, signer, clock, logger: quietLogger(), random: () => 0.5 });
  const load = (entries: AgentEntry[], revision = 1) => {
    for (const e of entries) signer.entries.set(e.id, e);
    cache.applySync(snapshot(revision, entries, [testBundle(ca)]));
  };
  return { clock, ca, cache, signer, issuer, load };
}

describe('identity cache: which entries a workload gets', () => {
  const cases: Array<{ name: string; entry: string[]; workload: string[]; matches: boolean }> = [
    { name: 'every entry selector among the workload selectors', entry: ['unix:uid:1000'], workload: ['unix:uid:1000', 'unix:gid:1000'], matches: true },
    { name: 'two entry selectors, both present', entry: ['unix:uid:1000', 'unix:gid:50'], workload: ['unix:gid:50', 'unix:uid:1000'], matches: true },
    { name: 'one entry selector missing', entry: ['unix:uid:1000', 'unix:gid:50'], workload: ['unix:uid:1000'], matches: false },
    { name: 'same value under another type', entry: ['k8s:uid:1000'], workload: ['unix:uid:1000'], matches: false },
    { name: 'a workload without selectors', entry: ['unix:uid:1000'], workload: [], matches: false },
  ];
  for (const c of cases) {
    it(`${c.matches ? 'matches' : 'does not match'}: ${c.name}`, () => {
      const { cache, load } = setup();
      const parse = (s: string) => ({ type: s.slice(0, s.indexOf(':')), value: s.slice(s.indexOf(':') + 1) });
      load([testEntry({ spiffeId: `spiffe://${TD}/web`, selectors: c.entry.map(parse) })]);
      assert.equal(cache.matchingEntries(c.workload.map(parse)).length, c.matches ? 1 : 0);
    });
  }

  it('lists a workload\'s entries oldest first, so the first SVID is stable', () => {
    const { cache, load } = setup();
    const older = testEntry({ spiffeId: `spiffe://${TD}/a`, createdAt: 100 });
    const newer = testEntry({ spiffeId: `spiffe://${TD}/b`, createdAt: 200 });
    load([newer, older]);
    assert.deepEqual(cache.matchingEntries([uid(1000)]).map((e) => e.spiffeId), [`spiffe://${TD}/a`, `spiffe://${TD}/b`]);
  });

  it('gives no SVID to node-alias or downstream entries', async () => {
    const serverId = `spiffe://${TD}/spire/server`;
    const clock = new FakeClock();
    const cache = new IdentityCache({ trustDomain: TD, clock, isWorkloadEntry: (e) => !e.downstream && e.parentId !== serverId });
    const ca = TestCa.create(TD, { now: clock.now() });
    cache.applySync(
      snapshot(1, [testEntry({ spiffeId: `spiffe://${TD}/alias`, parentId: serverId }), testEntry({ spiffeId: `spiffe://${TD}/ds`, downstream: true })], [testBundle(ca)]),
    );
    assert.equal(cache.due().length, 0);
  });
});

describe('identity cache: SVIDs and views', () => {
  it('issues an SVID per entry, verifiable with the bundle, and shows it in the workload view', async () => {
    const { cache, issuer, load } = setup();
    const e = testEntry({ spiffeId: `spiffe://${TD}/web`, hint: 'internal' });
    load([e]);
    issuer.start();
    await issuer.idle();
    const view = cache.viewOf([uid(1000)]);
    assert.equal(view.svids.length, 1);
    assert.equal(view.svids[0]!.spiffeId, `spiffe://${TD}/web`);
    assert.equal(view.svids[0]!.hint, 'internal');
    assert.ok(view.svids[0]!.privateKey.length > 0);
    assert.ok(view.bundle);
    await issuer.stop();
  });

  it('notifies a watcher once per burst of changes, and not for changes that leave its view alone', async () => {
    const { cache, issuer, load, signer } = setup();
    const web = testEntry({ spiffeId: `spiffe://${TD}/web` });
    load([web]);
    issuer.start();
    await issuer.idle();
    const views: WorkloadView[] = [];
    const watch = cache.watch([uid(1000)], (v) => views.push(v));
    // An entry for another workload: not this watcher's business.
    const other = testEntry({ spiffeId: `spiffe://${TD}/db`, selectors: [uid(2000)] });
    signer.entries.set(other.id, other);
    cache.applySync(change(2, { upserts: [other] }));
    await issuer.idle();
    await flushImmediates();
    assert.equal(views.length, 0);
    // Two changes in one tick for this workload: one notification.
    const api = testEntry({ spiffeId: `spiffe://${TD}/api` });
    const admin = testEntry({ spiffeId: `spiffe://${TD}/admin` });
    signer.entries.set(api.id, api);
    signer.entries.set(admin.id, admin);
    cache.applySync(change(3, { upserts: [api] }));
    cache.applySync(change(4, { upserts: [admin] }));
    await issuer.idle();
    await flushImmediates();
    assert.equal(views.length, 1);
    assert.deepEqual(views[0]!.svids.map((s) => s.spiffeId).sort(), [`spiffe://${TD}/admin`, `spiffe://${TD}/api`, `spiffe://${TD}/web`]);
    watch.close();
    await issuer.stop();
  });

  it('renews an SVID at half its life, not before', async () => {
    const { cache, issuer, load, signer, clock } = setup();
    load([testEntry({ spiffeId: `spiffe://${TD}/web`, x509SvidTtl: 3600 })]);
    issuer.start();
    await issuer.idle();
    const first = cache.viewOf([uid(1000)]).svids[0]!;
    assert.equal(signer.x509Issued, 1);
    // notBefore is backdated 10 s, so the life is 3610 s; random() = 0.5 and jitter 0.1 put the
    // renewal at notBefore + 50% - 5% of it: 1614.5 s from now.
    await clock.advanceAsync(1_610_000);
    await issuer.idle();
    assert.equal(signer.x509Issued, 1);
    await clock.advanceAsync(5_000);
    await issuer.idle();
    assert.equal(signer.x509Issued, 2);
    const second = cache.viewOf([uid(1000)]).svids[0]!;
    assert.notDeepEqual(second.certChain[0], first.certChain[0]);
    await issuer.stop();
  });

  it('keeps serving cached SVIDs while the CA is unreachable, and renews once it is back', async () => {
    const { cache, issuer, load, signer, clock } = setup();
    load([testEntry({ spiffeId: `spiffe://${TD}/web`, x509SvidTtl: 3600 })]);
    issuer.start();
    await issuer.idle();
    const { ApiError } = await import('@signet/platform');
    signer.unreachable = new ApiError('unavailable', 'connection refused');
    await clock.advanceAsync(1_700_000);
    await issuer.idle();
    assert.equal(cache.viewOf([uid(1000)]).svids.length, 1, 'the old SVID is still served');
    signer.unreachable = undefined;
    await clock.advanceAsync(60_000);
    await issuer.idle();
    assert.equal(signer.x509Issued, 2);
    await issuer.stop();
  });

  it('drops the SVID of a removed entry and re-issues one when the entry changes identity', async () => {
    const { cache, issuer, load, signer } = setup();
    const web = testEntry({ spiffeId: `spiffe://${TD}/web` });
    load([web]);
    issuer.start();
    await issuer.idle();
    const renamed = { ...web, spiffeId: `spiffe://${TD}/web2`, revision: 2 };
    signer.entries.set(web.id, renamed);
    cache.applySync(change(2, { upserts: [renamed] }));
    await issuer.idle();
    assert.equal(cache.viewOf([uid(1000)]).svids[0]!.spiffeId, `spiffe://${TD}/web2`);
    cache.applySync(change(3, { removals: [web.id] }));
    assert.equal(cache.viewOf([uid(1000)]).svids.length, 0);
    await issuer.stop();
  });

  it('publishes an SVID from a new CA only once the bundle holds its root', async () => {
    const { cache, issuer, load, signer, ca, clock } = setup();
    const web = testEntry({ spiffeId: `spiffe://${TD}/web`, x509SvidTtl: 3600 });
    load([web]);
    issuer.start();
    await issuer.idle();
    const before = cache.viewOf([uid(1000)]).svids[0]!;
    // The CA rotates to a new root that agents have not received yet.
    const next = TestCa.create(TD, { now: clock.now() });
    signer.ca = next;
    await clock.advanceAsync(1_700_000);
    await issuer.idle();
    assert.equal(cache.viewOf([uid(1000)]).svids[0], before, 'the SVID of the unknown root is held back');
    cache.applySync(change(2, { bundles: [testBundle(ca, [next.root.certificate], 2n)] }));
    const after = cache.viewOf([uid(1000)]).svids[0]!;
    assert.notEqual(after, before);
    await issuer.stop();
  });

  it('re-issues at once every SVID a tainted authority signed, from the active authority', async () => {
    const { cache, issuer, load, signer, ca, clock } = setup();
    load([testEntry({ spiffeId: `spiffe://${TD}/web`, x509SvidTtl: 3600 })]);
    issuer.start();
    await issuer.idle();
    const before = cache.viewOf([uid(1000)]).svids[0]!;
    // A new authority becomes active (already in the bundle); the old one is then tainted.
    const next = TestCa.create(TD, { now: clock.now() });
    signer.ca = next;
    cache.applySync(change(2, { bundles: [testBundle(ca, [next.root.certificate], 2n)] }));
    await issuer.idle();
    assert.equal(signer.x509Issued, 1, 'a new authority alone re-issues nothing');
    cache.applySync(change(3, { bundles: [{ ...testBundle(ca, [next.root.certificate], 3n), taintedX509Authorities: [ca.root.certificate] }] }));
    await issuer.idle();
    assert.equal(signer.x509Issued, 2);
    const after = cache.viewOf([uid(1000)]).svids[0]!;
    assert.notEqual(after, before);
    const { X509Certificate } = await import('node:crypto');
    assert.ok(new X509Certificate(after.certChain[0]!).checkIssued(new X509Certificate(next.root.certificate)), 'signed by the active authority');
    await issuer.stop();
  });

  it('includes federated bundles only for the trust domains its entries federate with', () => {
    const { cache, ca } = setup();
    const partner = TestCa.create('partner.org');
    const other = TestCa.create('other.org');
    cache.applySync(
      snapshot(1, [testEntry({ spiffeId: `spiffe://${TD}/web`, federatesWith: ['partner.org'] })], [testBundle(ca), testBundle(partner), testBundle(other)]),
    );
    assert.deepEqual([...cache.viewOf([uid(1000)]).federatedBundles.keys()], ['partner.org']);
  });

  it('gives every workload with an identity the bundles trusted by all, without federates_with', () => {
    const { cache, ca } = setup();
    const partner = TestCa.create('partner.org');
    const other = TestCa.create('other.org');
    cache.applySync(
      snapshot(1, [testEntry({ spiffeId: `spiffe://${TD}/web` })], [testBundle(ca), { ...testBundle(partner), trustedByAll: true }, testBundle(other)]),
    );
    assert.deepEqual([...cache.viewOf([uid(1000)]).federatedBundles.keys()], ['partner.org']);
    assert.equal(cache.viewOf([uid(4242)]).federatedBundles.size, 0, 'not to a caller without an identity');
  });

  it('keeps hints unique within a view: a repeated hint is cleared on the later SVID', async () => {
    const { cache, issuer, load } = setup();
    load([testEntry({ spiffeId: `spiffe://${TD}/a`, hint: 'internal', createdAt: 1 }), testEntry({ spiffeId: `spiffe://${TD}/b`, hint: 'internal', createdAt: 2 })]);
    issuer.start();
    await issuer.idle();
    assert.deepEqual(cache.viewOf([uid(1000)]).svids.map((s) => s.hint), ['internal', '']);
    await issuer.stop();
  });
});

describe('identity cache: memory bound', () => {
  it('beyond max_svids, issues SVIDs only for entries a workload uses, and drops idle ones', async () => {
    const { cache, issuer, load, clock, signer } = setup({ maxSvids: 2, idleMs: 60_000 });
    const entries = [1, 2, 3, 4].map((n) => testEntry({ spiffeId: `spiffe://${TD}/w${n}`, selectors: [uid(n)] }));
    load(entries);
    issuer.start();
    await issuer.idle();
    assert.equal(cache.svidCount, 0, 'nothing is issued up front when the node has more entries than the bound');
    const watch = cache.watch([uid(1)], () => {});
    await issuer.idle();
    assert.equal(cache.svidCount, 1);
    cache.viewOf([uid(2)]);
    cache.viewOf([uid(3)]);
    await issuer.idle();
    assert.equal(cache.svidCount, 3);
    assert.equal(signer.x509Issued, 3);
    await clock.advanceAsync(61_000);
    assert.equal(cache.evictIdle(), 1, 'one idle SVID is dropped to get back to the bound');
    assert.equal(cache.svidCount, 2);
    assert.ok(cache.held(entries[0]!.id), 'the watched workload keeps its SVID');
    watch.close();
    await issuer.stop();
  });
});
