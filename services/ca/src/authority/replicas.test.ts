import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { listAuthorities, resetDatastore, type TestDatabase } from '@signet/datastore';
import { ApiError, FAKE_CLOCK_START, FakeClock } from '@signet/platform';
import { SpiffeId, X509Bundle, verifyX509Svid } from '@signet/spiffe';
import { DiskKeyManager } from '../keymanager/disk.js';
import { testEngines } from '../testing/engines.test-helper.js';
import { HOUR, TD, testManager } from '../testing/manager.test-helper.js';
import { ROTATION_LOCK_CLASS } from './rotation-lock.js';
import { followAuthorityChanges } from './journal-follower.js';

const SPKI_WORKLOAD = new Uint8Array(
  Buffer.from(
    '3059301306072a8648ce3d020106082a8648ce3d03010703420004' +
      '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296' +
      '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
    'hex',
  ),
);

function at(hours: number): number {
  return FAKE_CLOCK_START + hours * HOUR * 1000;
}

for (const engine of await testEngines('replicas')) {
  describe(`replicas on ${engine.name}`, () => {
    let t: TestDatabase;
    let dataDir: string;
    before(async () => {
      t = await engine.open();
      dataDir = await mkdtemp(join(tmpdir(), 'signet-ca-replicas-'));
    });
    after(async () => {
      await t.dispose();
      await rm(dataDir, { recursive: true, force: true });
    });
    beforeEach(async () => resetDatastore(t.db));

    it('a restarted manager on the same database and keys directory resumes where the first stopped', async () => {
      const keysDir = join(dataDir, 'restart');
      const first = testManager(t.db, { keyManager: await DiskKeyManager.open(keysDir) });
      await first.manager.tick();
      first.clock.advanceTo(at(12));
      await first.manager.tick();
      const before = first.manager.snapshot.authorities.map((a) => `${a.kind}:${a.state}`).sort();
      assert.deepEqual(before, ['jwt:active', 'jwt:prepared', 'x509:active', 'x509:prepared']);

      // "Restart": a new key manager and manager, same database and directory, time moves on.
      const clock = new FakeClock(at(19));
      const second = testManager(t.db, { clock, keyManager: await DiskKeyManager.open(keysDir) });
      await second.manager.reload();
      assert.equal(second.manager.activeX509().authority.id, first.manager.activeX509().authority.id, 'signs with the same authority');
      assert.equal((await second.manager.tick()).steps.length, 0, 'nothing due at 19 h');
      clock.advanceTo(at(20));
      const tick = await second.manager.tick();
      assert.deepEqual(tick.steps.map((s) => `${s.kind}:${s.event}`), ['x509:activated', 'jwt:activated']);
      const prepared = first.manager.snapshot.authorities.find((a) => a.kind === 'x509' && a.state === 'prepared');
      const active = second.manager.activeX509();
      assert.equal(active.authority.id, prepared?.id, 'the authority prepared before the restart is activated');
      const leaf = await active.minter.mintAsync({ id: SpiffeId.parse('spiffe://example.org/web'), publicKey: SPKI_WORKLOAD, now: clock.now() });
      const roots = X509Bundle.fromAuthorities(TD, [active.authority.certificate!]);
      assert.equal(verifyX509Svid([leaf.certificate], roots, { now: clock.now() }).id.toString(), 'spiffe://example.org/web');
    });

    it('two managers on one database: they rotate once between them', async () => {
      const clock = new FakeClock();
      const a = testManager(t.db, { clock });
      const b = testManager(t.db, { clock });
      const ticks = [a.manager.tick(), b.manager.tick(), a.manager.tick()];
      assert.equal(ticks[0], ticks[2], 'a manager never runs two ticks at once');
      const results = await Promise.all(ticks.slice(0, 2));
      const steps = results.flatMap((r) => r.steps.map((s) => `${s.kind}:${s.event}`)).sort();
      assert.deepEqual(steps, ['jwt:activated', 'jwt:prepared', 'x509:activated', 'x509:prepared']);
      assert.equal((await listAuthorities(t.db)).length, 2, 'one authority per kind');
      clock.advanceTo(at(12));
      const later = await Promise.all([b.manager.tick(), a.manager.tick()]);
      assert.equal(later.flatMap((r) => r.steps).length, 2, 'one prepared authority per kind');
      assert.equal((await listAuthorities(t.db, { states: ['prepared'] })).length, 2);
      // Both replicas sign; the one that did not create the authority lacks its key in memory.
      const rotator = results[0]!.steps.length > 0 ? a : b;
      const other = rotator === a ? b : a;
      const active = rotator.manager.activeX509().authority.id;
      assert.ok(other.manager.snapshot.authorities.some((x) => x.id === active && x.state === 'active'), 'the other replica knows the active authority');
      assert.throws(
        () => other.manager.activeX509(),
        (err: unknown) => err instanceof ApiError && err.apiCode === 'unavailable' && /replicas must share their key manager/.test(err.message),
      );
    });

    it('replicas sharing a keys directory both sign, and a follower learns of rotations from events', async () => {
      const keysDir = join(dataDir, 'shared');
      const clock = new FakeClock();
      const leader = testManager(t.db, { clock, keyManager: await DiskKeyManager.open(keysDir) });
      const follower = testManager(t.db, { clock, keyManager: await DiskKeyManager.open(keysDir) });
      await leader.manager.tick();
      await follower.manager.reload();
      assert.equal(follower.manager.activeX509().authority.id, leader.manager.activeX509().authority.id);

      const first = leader.manager.activeX509().authority.id;
      let reloaded!: () => void;
      const sawActivation = new Promise<void>((resolve) => (reloaded = resolve));
      const subscription = await followAuthorityChanges(
        t.db,
        TD.name,
        async () => {
          const snapshot = await follower.manager.reload();
          if (snapshot.x509 !== undefined && snapshot.x509.authority.id !== first) reloaded();
        },
        follower.logger,
      );
      try {
        await leader.manager.prepare('x509');
        const next = await leader.manager.activate('x509');
        await sawActivation;
        assert.equal(follower.manager.activeX509().authority.id, next.id);
      } finally {
        await subscription.close();
      }
    });

    if (engine.name === 'Postgres') {
      it('a tick skips rotation while another replica holds the rotation lock', async () => {
        const m = testManager(t.db);
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const holder = t.db.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock($1::int4, hashtext(current_schema()))', [ROTATION_LOCK_CLASS]);
          locked();
          await held;
        });
        await isLocked;
        const skipped = await m.manager.tick();
        assert.deepEqual(skipped, { leader: false, steps: [] });
        assert.equal((await listAuthorities(t.db)).length, 0);
        release();
        await holder;
        assert.equal((await m.manager.tick()).leader, true);
        assert.equal((await listAuthorities(t.db)).length, 2);
      });
    }
  });
}
