import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getBundle, readEvents, type Authority, type TestDatabase } from '@signet/datastore';
import { FAKE_CLOCK_START } from '@signet/platform';
import { SpiffeBundle } from '@signet/spiffe';
import { MemoryKeyManager } from '../keymanager/memory.js';
import { testEngines } from '../testing/engines.test-helper.js';
import { HOUR, TD, testManager } from '../testing/manager.test-helper.js';

const MINUTE = 60;

/** Labels authorities A1, A2, … in creation order, per kind, for readable expectations. */
function labels(all: readonly Authority[], kind: 'x509' | 'jwt'): Map<string, string> {
  return new Map(all.filter((a) => a.kind === kind).map((a, i) => [a.id, `A${i + 1}`]));
}

function stateOf(all: readonly Authority[], kind: 'x509' | 'jwt'): string {
  const names = labels(all, kind);
  return all
    .filter((a) => a.kind === kind)
    .map((a) => `${names.get(a.id)}:${a.state}`)
    .join(' ');
}

async function bundleContents(db: TestDatabase['db'], all: readonly Authority[]) {
  const stored = await getBundle(db, TD.name);
  assert.ok(stored, 'a local bundle is published');
  const bundle = SpiffeBundle.parse(TD, JSON.stringify(stored.document));
  assert.equal(bundle.sequenceNumber, BigInt(stored.sequence), 'spiffe_sequence is the stored sequence');
  const x509 = labels(all, 'x509');
  const jwt = labels(all, 'jwt');
  const roots = bundle
    .x509Authorities()
    .map((der) => x509.get(all.find((a) => a.certificate !== null && Buffer.from(a.certificate).equals(der))?.id ?? '') ?? '?')
    .sort();
  const kids = [...bundle.jwtAuthorities().keys()].map((kid) => jwt.get(all.find((a) => a.keyId === kid)?.id ?? '') ?? '?').sort();
  return { sequence: stored.sequence, roots: roots.join(','), jwt: kids.join(','), refreshHint: bundle.refreshHint };
}

for (const engine of await testEngines('authority manager')) {
  describe(`authority manager on ${engine.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await engine.open();
    });
    after(async () => t.dispose());

    it('rotates on schedule over two days: prepare at half-life, activate at 5/6, old kept until it expires', async () => {
      const { manager, clock, keyManager } = testManager(t.db);
      const keys = keyManager as MemoryKeyManager;
      // [time since start, expected x509 states, expected jwt states, bundle roots, bundle jwt keys, bundle sequence]
      const timeline: [number, string, string, string, string, number][] = [
        [0, 'A1:active', 'A1:active', 'A1', 'A1', 1],
        [12 * HOUR - 1 * MINUTE, 'A1:active', 'A1:active', 'A1', 'A1', 1],
        [12 * HOUR, 'A1:active A2:prepared', 'A1:active A2:prepared', 'A1,A2', 'A1,A2', 2],
        [20 * HOUR - 1 * MINUTE, 'A1:active A2:prepared', 'A1:active A2:prepared', 'A1,A2', 'A1,A2', 2],
        [20 * HOUR, 'A1:old A2:active', 'A1:old A2:active', 'A1,A2', 'A1,A2', 2],
        [24 * HOUR - 1 * MINUTE, 'A1:old A2:active', 'A1:old A2:active', 'A1,A2', 'A1,A2', 2],
        // A1 expires (leaves the bundle) as A2 reaches half-life (A3 prepared): one new bundle.
        [24 * HOUR, 'A1:old A2:active A3:prepared', 'A1:old A2:active A3:prepared', 'A2,A3', 'A2,A3', 3],
        [32 * HOUR, 'A1:old A2:old A3:active', 'A1:old A2:old A3:active', 'A2,A3', 'A2,A3', 3],
        [36 * HOUR, 'A1:old A2:old A3:active A4:prepared', 'A1:old A2:old A3:active A4:prepared', 'A3,A4', 'A3,A4', 4],
        [44 * HOUR, 'A1:old A2:old A3:old A4:active', 'A1:old A2:old A3:old A4:active', 'A3,A4', 'A3,A4', 4],
      ];
      for (const [offset, x509, jwt, roots, jwtKeys, sequence] of timeline) {
        clock.advanceTo(FAKE_CLOCK_START + offset * 1000);
        const result = await manager.tick();
        assert.equal(result.leader, true);
        const all = manager.snapshot.authorities;
        const at = `at ${offset / HOUR} h`;
        assert.equal(stateOf(all, 'x509'), x509, `x509 ${at}`);
        assert.equal(stateOf(all, 'jwt'), jwt, `jwt ${at}`);
        assert.deepEqual(await bundleContents(t.db, all), { sequence, roots, jwt: jwtKeys, refreshHint: 300 }, `bundle ${at}`);
        const active = all.find((a) => a.kind === 'x509' && a.state === 'active');
        assert.equal(manager.activeX509().authority.id, active?.id, `signing with the active x509 authority ${at}`);
      }
      // Keys of expired authorities are deleted: A1 and A2 of both kinds are gone, A3 and A4 remain.
      assert.equal(keys.size, 4);
      const retired = manager.snapshot.authorities.filter((a) => a.notAfter.getTime() <= clock.nowMs());
      assert.equal(retired.length, 4);
      for (const a of retired) assert.equal(await keys.getKey(a.keyRef), undefined, `key of ${a.id} deleted`);
    });

    it('appends the change events of every transition and bundle change', async () => {
      const { manager, clock } = testManager(t.db, { clock: undefined });
      const from = (await readEvents(t.db, { afterRevision: 0, limit: 1000 })).events.at(-1)?.revision ?? 0;
      clock.advanceTo(FAKE_CLOCK_START + 100 * 24 * HOUR * 1000); // far past the previous test's authorities
      await manager.tick();
      const events = (await readEvents(t.db, { afterRevision: from })).events;
      const kinds = events.map((e) => `${e.kind}:${(e.payload as { kind?: string }).kind ?? ''}`);
      assert.deepEqual(kinds, [
        'authority.prepared:x509',
        'authority.activated:x509',
        'authority.prepared:jwt',
        'authority.activated:jwt',
        'bundle.updated:',
      ]);
      const bundleEvent = events.at(-1)!;
      assert.equal(bundleEvent.subject, TD.name);
      assert.equal((bundleEvent.payload as { sequence: number }).sequence, (await getBundle(t.db, TD.name))?.sequence);
    });
  });
}
