import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getBundle, latestRevision, readEvents, type Authority, type TestDatabase } from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { SpiffeBundle } from '@signet/spiffe';
import type { MemoryKeyManager } from '../keymanager/memory.js';
import { testEngines } from '../testing/engines.test-helper.js';
import { TD, testManager, type TestManager } from '../testing/manager.test-helper.js';

async function eventsSince(db: TestDatabase['db'], revision: number): Promise<string[]> {
  return (await readEvents(db, { afterRevision: revision })).events.map((e) => `${e.kind} ${e.subject}`);
}

async function bundleRoots(db: TestDatabase['db']): Promise<{ sequence: number; roots: string[]; kids: string[] }> {
  const stored = await getBundle(db, TD.name);
  assert.ok(stored);
  const bundle = SpiffeBundle.parse(TD, JSON.stringify(stored.document));
  const roots = bundle.x509Authorities().map((d) => Buffer.from(d).toString('hex'));
  return { sequence: stored.sequence, roots: roots.sort(), kids: [...bundle.jwtAuthorities().keys()].sort() };
}

function hexSorted(...certs: (Uint8Array | null)[]): string[] {
  return certs.map((c) => Buffer.from(c!).toString('hex')).sort();
}

function rejectsWithCode(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  return assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.apiCode, code);
    assert.match(err.message, message);
    return true;
  });
}

for (const engine of await testEngines('forced rotation')) {
  describe(`forced rotation on ${engine.name}`, () => {
    let t: TestDatabase;
    let m: TestManager;
    let a1: Authority;
    before(async () => {
      t = await engine.open();
      m = testManager(t.db);
      await m.manager.tick();
      a1 = m.manager.activeX509().authority;
    });
    after(async () => t.dispose());

    it('prepares now: the next authority is published but does not sign', async () => {
      const rev = await latestRevision(t.db);
      const a2 = await m.manager.prepare('x509');
      assert.equal(a2.state, 'prepared');
      assert.deepEqual(await eventsSince(t.db, rev), [`authority.prepared ${a2.id}`, `bundle.updated ${TD.name}`]);
      const bundle = await bundleRoots(t.db);
      assert.equal(bundle.sequence, 2);
      assert.deepEqual(bundle.roots, hexSorted(a1.certificate, a2.certificate));
      assert.equal(m.manager.activeX509().authority.id, a1.id, 'the active one still signs');
      await rejectsWithCode(m.manager.prepare('x509'), 'failed_precondition', /already prepared/);
    });

    it('activates the prepared authority; the previous one becomes old and stays published', async () => {
      const rev = await latestRevision(t.db);
      await rejectsWithCode(m.manager.activate('x509', a1.id), 'failed_precondition', /only the prepared authority/);
      const a2 = await m.manager.activate('x509');
      assert.equal(a2.state, 'active');
      assert.equal(m.manager.activeX509().authority.id, a2.id, 'this replica signs with it at once');
      assert.deepEqual(await eventsSince(t.db, rev), [`authority.activated ${a2.id}`], 'the bundle did not change');
      const old = (await m.manager.list('x509')).find((a) => a.id === a1.id);
      assert.equal(old?.state, 'old');
      assert.equal((await bundleRoots(t.db)).roots.length, 2);
      await rejectsWithCode(m.manager.activate('x509'), 'failed_precondition', /no x509 authority is prepared/);
    });

    it('taints only an old authority, and tells agents through an event', async () => {
      const rev = await latestRevision(t.db);
      const active = m.manager.activeX509().authority;
      await rejectsWithCode(m.manager.taint('x509', active.id), 'failed_precondition', /is active/);
      await rejectsWithCode(m.manager.taint('x509', 'no-such-id'), 'not_found', /no x509 authority/);
      const jwtId = m.manager.activeJwt().authority.id;
      await rejectsWithCode(m.manager.taint('x509', jwtId), 'not_found', /no x509 authority/);
      const tainted = await m.manager.taint('x509', a1.id);
      assert.equal(tainted.state, 'tainted');
      const events = (await readEvents(t.db, { afterRevision: rev })).events;
      assert.deepEqual(events.map((e) => `${e.kind} ${e.subject}`), [`authority.tainted ${a1.id}`]);
      assert.deepEqual(events[0]?.payload, { kind: 'x509', key_id: a1.keyId, not_after: a1.notAfter.toISOString() });
      assert.equal((await bundleRoots(t.db)).roots.length, 2, 'a tainted authority stays in the bundle until revoked');
      await rejectsWithCode(m.manager.taint('x509', a1.id), 'failed_precondition', /already tainted/);
    });

    it('revokes only a tainted authority, which leaves the bundle', async () => {
      const rev = await latestRevision(t.db);
      const active = m.manager.activeX509().authority;
      await rejectsWithCode(m.manager.revoke('x509', active.id), 'failed_precondition', /only a tainted authority can be revoked/);
      const revoked = await m.manager.revoke('x509', a1.id);
      assert.equal(revoked.state, 'revoked');
      assert.deepEqual(await eventsSince(t.db, rev), [`authority.revoked ${a1.id}`, `bundle.updated ${TD.name}`]);
      const bundle = await bundleRoots(t.db);
      assert.equal(bundle.sequence, 3);
      assert.deepEqual(bundle.roots, hexSorted(active.certificate));
      await rejectsWithCode(m.manager.revoke('x509', a1.id), 'failed_precondition', /already revoked/);
    });

    it('rotates JWT keys the same way, and the next tick deletes the revoked key', async () => {
      const j1 = m.manager.activeJwt().authority;
      const j2 = await m.manager.prepare('jwt');
      assert.deepEqual((await bundleRoots(t.db)).kids, [j1.keyId, j2.keyId].sort());
      await m.manager.activate('jwt', j2.id);
      await m.manager.taint('jwt', j1.id);
      await m.manager.revoke('jwt', j1.id);
      assert.deepEqual((await bundleRoots(t.db)).kids, [j2.keyId]);
      const keys = m.keyManager as MemoryKeyManager;
      assert.ok(await keys.getKey(j1.keyRef), 'kept until the rotating replica sweeps');
      const tick = await m.manager.tick();
      assert.deepEqual(tick.steps, [], 'nothing else is due');
      assert.equal(await keys.getKey(j1.keyRef), undefined);
      assert.equal(await keys.getKey(a1.keyRef), undefined);
      assert.ok(await keys.getKey(j2.keyRef));
    });
  });
}
