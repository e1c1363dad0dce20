/**
 * Following the change log across replicas: two `Db` instances (two pools,
 * as two Signet replicas would have) on one Postgres schema. Measures the
 * delay from append to delivery and reports p50/p99 as test diagnostics.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { after, before, beforeEach, describe, it } from 'node:test';
import { openPostgres } from '../db/postgres.js';
import type { Db } from '../db/types.js';
import { silentLogger } from '../logger.js';
import { waitFor } from '../suite/context.js';
import { checkPostgres, declareUnavailable } from '../suite/postgres-availability.js';
import { openPostgresTestDatabase, resetDatastore, type TestDatabase } from '../testing/test-databases.js';
import { appendEvent } from './append.js';
import type { ChangeEvent } from './event.js';
import { latestRevision } from './read.js';
import { type EventSubscription, subscribeEvents } from './subscribe.js';

const probe = await checkPostgres();
if (!probe.available) {
  declareUnavailable('event subscription across replicas', probe);
} else {
  describe('event subscription across replicas', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const replicaName = `signet-test-replica-${randomBytes(4).toString('hex')}`;
    let test: TestDatabase;
    let writer: Db;
    let reader: Db;
    const subscriptions: EventSubscription[] = [];

    const follow = async (db: Db, onEvent: (event: ChangeEvent) => void): Promise<unknown[]> => {
      const errors: unknown[] = [];
      subscriptions.push(
        await subscribeEvents(db, { fromRevision: await latestRevision(db), onEvent, onError: (err) => errors.push(err), pollIntervalMs: 0 }),
      );
      return errors;
    };

    before(async () => {
      test = await openPostgresTestDatabase({ url: probe.url });
      writer = test.db;
      reader = await openPostgres({ url: probe.url, schema: writer.schema, applicationName: replicaName, logger: silentLogger });
    });
    beforeEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await resetDatastore(writer);
    });
    after(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await reader.close();
      await test.dispose();
    });

    it('delivers events appended on one replica to a subscriber on the other, in order, once each, within a second', async (t) => {
      const count = 200;
      const deliveredAt = new Map<number, number>();
      const order: number[] = [];
      const errors = await follow(reader, (event) => {
        order.push(event.revision);
        deliveredAt.set(event.revision, performance.now());
      });
      const startedAt = new Map<number, number>();
      for (let i = 0; i < count; i += 1) {
        const start = performance.now();
        const event = await appendEvent(writer, { kind: 'entry.updated', subject: `e${i}` }, now);
        startedAt.set(event.revision, start);
      }
      await waitFor(() => order.length === count, 5_000, `${count} deliveries`);
      const appended = [...startedAt.keys()];
      assert.deepEqual(order, appended);
      assert.deepEqual(errors, []);
      const latencies = appended.map((r) => (deliveredAt.get(r) ?? Infinity) - (startedAt.get(r) ?? 0)).sort((a, b) => a - b);
      const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Infinity;
      t.diagnostic(`append-to-delivery over ${count} events: p50 ${pct(50).toFixed(2)} ms, p99 ${pct(99).toFixed(2)} ms, max ${pct(100).toFixed(2)} ms`);
      assert.ok(pct(99) < 1_000, `p99 ${pct(99)} ms`);
    });

    it('catches up on events appended while its listening connection was down', async () => {
      const received: string[] = [];
      await follow(reader, (event) => received.push(event.subject));
      const killed = await writer.query<{ n: number }>(
        'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1',
        [`${replicaName}-listen`],
      );
      assert.equal(killed.rows[0]?.n, 1);
      for (const subject of ['a', 'b', 'c']) await appendEvent(writer, { kind: 'entry.updated', subject }, now);
      await waitFor(() => received.length === 3, 10_000, 'delivery after the reconnect');
      assert.deepEqual(received, ['a', 'b', 'c']);
    });

    it('shows both replicas the same ordered log while both write concurrently', async () => {
      const seenByWriter: number[] = [];
      const seenByReader: number[] = [];
      await follow(writer, (event) => seenByWriter.push(event.revision));
      await follow(reader, (event) => seenByReader.push(event.revision));
      const burst = (db: Db, prefix: string) =>
        Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            db.transaction((tx) => appendEvent(tx, { kind: 'entry.updated', subject: `${prefix}${i}` }, now)),
          ),
        );
      await Promise.all([burst(writer, 'w'), burst(reader, 'r')]);
      await waitFor(() => seenByWriter.length === 100 && seenByReader.length === 100, 5_000, 'both subscribers');
      assert.deepEqual(seenByReader, seenByWriter);
      assert.deepEqual(
        seenByReader,
        [...seenByReader].sort((a, b) => a - b),
      );
      assert.equal(new Set(seenByReader).size, 100);
    });
  });
}
