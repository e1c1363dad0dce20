import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  createEntry,
  createNode,
  deleteEntry,
  listIssuancesByAuthority,
  resetDatastore,
  UnavailableError,
  type Db,
  type IssuanceRecord,
  type TestDatabase,
} from '@signet/datastore';
import { captureLogs, createLogger, FakeClock } from '@signet/platform';
import { testEngines } from '../testing/engines.test-helper.js';
import { testManager } from '../testing/manager.test-helper.js';
import { LedgerWriter } from './ledger-writer.js';
import { pruneExpiredIssuances } from './prune.js';

const logger = createLogger({ level: 'error', service: 'ca', destination: captureLogs().stream });

/**
 * The real database, failing the next `failures` ledger writes as if the server were gone, and
 * losing the reply of the next `lostReplies` (the write commits, the caller sees an error).
 */
function flaky(db: Db, state: { failures: number; writes: number; lostReplies?: number }): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return async (sql: string, params?: readonly unknown[]) => {
          if (sql.includes('issuance_ledger')) {
            state.writes++;
            if (state.failures > 0) {
              state.failures--;
              throw new UnavailableError('database unreachable (test)');
            }
            if ((state.lostReplies ?? 0) > 0) {
              state.lostReplies = (state.lostReplies ?? 0) - 1;
              await target.query(sql, params);
              throw new UnavailableError('connection lost after the commit (test)');
            }
          }
          return target.query(sql, params);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

for (const engine of await testEngines('ledger writer')) {
  describe(`ledger writer on ${engine.name}`, () => {
    let t: TestDatabase;
    let authorityId: string;
    let clock: FakeClock;
    let serial = 0;
    const row = (overrides: Partial<IssuanceRecord> = {}): IssuanceRecord => ({
      serial: `s${String(++serial).padStart(6, '0')}`,
      kind: 'x509',
      spiffeId: 'spiffe://example.org/web',
      entryId: null,
      nodeId: null,
      authorityId,
      issuedAt: clock.now(),
      expiresAt: new Date(clock.nowMs() + 3_600_000),
      ...overrides,
    });
    const written = async () => (await listIssuancesByAuthority(t.db, authorityId, {}, { pageSize: 1000 })).items.map((r) => r.serial);

    before(async () => {
      t = await engine.open();
    });
    after(async () => t.dispose());
    beforeEach(async () => {
      await resetDatastore(t.db);
      clock = new FakeClock();
      const m = testManager(t.db, { clock });
      await m.manager.tick();
      authorityId = m.manager.activeX509().authority.id;
    });

    it('writes buffered rows once the flush interval passes', async () => {
      const ledger = new LedgerWriter({ db: t.db, clock, logger, flushIntervalMs: 5 });
      const rows = [row(), row(), row()];
      rows.forEach((r) => ledger.record(r));
      await clock.advanceAsync(4);
      assert.deepEqual(await written(), []);
      await clock.advanceAsync(1);
      await ledger.flush();
      assert.deepEqual(await written(), rows.map((r) => r.serial));
      assert.equal(ledger.pending, 0);
    });

    it('writes a full batch at once, in one statement per batch', async () => {
      const state = { failures: 0, writes: 0 };
      const ledger = new LedgerWriter({ db: flaky(t.db, state), clock, logger, flushIntervalMs: 1000, maxBatch: 10 });
      const rows = Array.from({ length: 25 }, () => row());
      rows.forEach((r) => ledger.record(r));
      await clock.advanceAsync(0);
      assert.ok((await written()).length >= 10, 'the first full batch went out without waiting for the interval');
      await ledger.close();
      assert.deepEqual((await written()).sort(), rows.map((r) => r.serial).sort());
      assert.equal(state.writes, 3, '25 rows in batches of 10');
    });

    it('writes rows whose entry was deleted or whose agent is unknown as they are: history, not references', async () => {
      const entry = await createEntry(t.db, { spiffeId: 'spiffe://example.org/gone', parentId: 'spiffe://example.org/spire/agent/a', selectors: [{ type: 'unix', value: 'uid:1' }] }, clock.now());
      await deleteEntry(t.db, entry.id);
      const ledger = new LedgerWriter({ db: t.db, clock, logger });
      const deletedEntry = row({ entryId: entry.id, nodeId: 'spiffe://example.org/spire/agent/a' });
      const unknownNode = row({ nodeId: 'spiffe://example.org/spire/agent/unknown' });
      for (const r of [deletedEntry, unknownNode, row()]) ledger.record(r);
      await ledger.flush();
      const rows = (await listIssuancesByAuthority(t.db, authorityId)).items;
      const bySerial = new Map(rows.map((r) => [r.serial, [r.entryId, r.nodeId]]));
      assert.equal(rows.length, 3);
      assert.deepEqual(bySerial.get(deletedEntry.serial), [entry.id, 'spiffe://example.org/spire/agent/a']);
      assert.deepEqual(bySerial.get(unknownNode.serial), [null, 'spiffe://example.org/spire/agent/unknown']);
    });

    it('drops (and counts) the rows of an unknown authority, writing the rest of their batch', async () => {
      let dropped = 0;
      const ledger = new LedgerWriter({ db: t.db, clock, logger, onDropped: (n) => (dropped += n) });
      const good = [row(), row()];
      const orphan = row({ authorityId: 'no-such-authority' });
      for (const r of [good[0]!, orphan, good[1]!]) ledger.record(r);
      await ledger.flush();
      assert.deepEqual((await written()).sort(), good.map((r) => r.serial).sort());
      assert.equal(dropped, 1);
      assert.equal(ledger.pending, 0);
    });

    it('keeps rows while the database fails and retries them later', async () => {
      const state = { failures: 2, writes: 0 };
      const ledger = new LedgerWriter({ db: flaky(t.db, state), clock, logger, flushIntervalMs: 5, retryDelayMs: 1000 });
      const rows = [row(), row()];
      rows.forEach((r) => ledger.record(r));
      await clock.advanceAsync(5);
      assert.equal(ledger.pending, 2, 'the failed batch is kept');
      await clock.advanceAsync(1000);
      assert.equal(ledger.pending, 2, 'the retry failed too');
      ledger.record(row());
      await clock.advanceAsync(1000);
      await ledger.flush();
      assert.equal((await written()).length, 3);
      assert.equal(state.writes, 3);
    });

    it('takes a batch refused as already recorded, after a write whose reply was lost, as written (no endless retries, no duplicate)', async () => {
      const state = { failures: 0, writes: 0, lostReplies: 1 };
      const ledger = new LedgerWriter({ db: flaky(t.db, state), clock, logger, flushIntervalMs: 5, retryDelayMs: 1000 });
      const rows = [row(), row()];
      rows.forEach((r) => ledger.record(r));
      await clock.advanceAsync(5);
      // The first write commits but looks failed; flush waits for it, then writes the batch again.
      await ledger.flush();
      assert.equal(state.writes, 2, 'one write whose reply was lost, one retry');
      assert.equal(ledger.pending, 0, 'the retry found the rows recorded');
      assert.deepEqual((await written()).sort(), rows.map((r) => r.serial).sort());
      ledger.record(row());
      await ledger.flush();
      assert.equal((await written()).length, 3, 'later rows are written as usual');
    });

    it('drops the oldest chunks beyond its buffer limit, and counts them', async () => {
      let dropped = 0;
      const state = { failures: 100, writes: 0 };
      const logs = captureLogs();
      const ledger = new LedgerWriter({
        db: flaky(t.db, state),
        clock,
        logger: createLogger({ level: 'error', service: 'ca', destination: logs.stream }),
        maxBatch: 2,
        maxBuffered: 5,
        onDropped: (n) => (dropped += n),
      });
      const rows = Array.from({ length: 8 }, () => row());
      rows.forEach((r) => ledger.record(r));
      assert.equal(ledger.pending, 4, 'chunks of 2: the two oldest went');
      assert.equal(dropped, 4);
      assert.equal(logs.records().length, 1, 'drops are logged at most every 10 s');
      state.failures = 0;
      await ledger.close();
      assert.deepEqual(await written(), rows.slice(4).map((r) => r.serial));
    });

    it('writes several chunks at once, up to its limit', async () => {
      const ledger = new LedgerWriter({ db: t.db, clock, logger, maxBatch: 3, maxConcurrentWrites: 2 });
      const rows = Array.from({ length: 10 }, () => row());
      rows.forEach((r) => ledger.record(r));
      await clock.advanceAsync(0);
      await ledger.flush();
      assert.equal(ledger.pending, 0);
      assert.deepEqual((await written()).sort(), rows.map((r) => r.serial).sort());
    });

    it('prunes rows whose SVID expired longer ago than the retention', async () => {
      const ledger = new LedgerWriter({ db: t.db, clock, logger });
      const hour = 3_600_000;
      const at = (h: number) => new Date(clock.nowMs() + h * hour);
      const rows = [row({ issuedAt: at(-5), expiresAt: at(-3) }), row({ issuedAt: at(-2), expiresAt: at(-0.5) }), row()];
      rows.forEach((r) => ledger.record(r));
      await ledger.close();
      assert.equal(await pruneExpiredIssuances(t.db, clock.now(), hour, logger), 1);
      assert.deepEqual(await written(), rows.slice(1).map((r) => r.serial));
    });
  });
}
