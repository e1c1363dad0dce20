/**
 * Two replicas on one Postgres database: entries created through the registrar of one reach an
 * event subscriber of the other (LISTEN/NOTIFY) in well under a second. Reports p50/p99.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import {
  latestRevision,
  openDatastore,
  openPostgresTestDatabase,
  silentLogger,
  subscribeEvents,
  type ChangeEvent,
} from '@signet/datastore';
import { captureLogs, createLogger } from '@signet/platform';
import { createRegistrarService } from '../app.js';
import { entryRequest } from '../testing/seed.js';
import { checkPostgres, declareUnavailable } from '../testing/postgres.js';
import { adminContext, percentile } from '../testing/call-context.js';

const CREATES = 100;
const probe = await checkPostgres();

if (!probe.available) {
  declareUnavailable('registrar replicas on Postgres', probe);
} else {
  describe('registrar replicas on Postgres', () => {
    it(`pushes each of ${CREATES} entries created on one replica to a subscriber on the other in under a second`, async (t) => {
      const first = await openPostgresTestDatabase({ url: probe.url });
      const second = await openDatastore({ url: probe.url, schema: first.db.schema, logger: silentLogger });
      const logger = createLogger({ level: 'warn', service: 'replica-test', destination: captureLogs().stream });
      const registrar = createRegistrarService({ db: first.db, trustDomain: 'example.org', logger });
      const arrived = new Map<string, { at: number; event: ChangeEvent }>();
      const waiters = new Map<string, () => void>();
      const subscription = await subscribeEvents(second, {
        fromRevision: await latestRevision(second),
        onEvent: (event) => {
          arrived.set(event.subject, { at: performance.now(), event });
          waiters.get(event.subject)?.();
        },
        onError: (err) => t.diagnostic(`subscription error: ${String(err)}`),
      });
      try {
        const latencies: number[] = [];
        for (let n = 0; n < CREATES; n += 1) {
          const started = performance.now();
          const res = await registrar.service.CreateEntries.handler({ entries: [entryRequest(n)] }, adminContext());
          const id = res.results[0]?.entry?.id ?? '';
          assert.equal(res.results[0]?.status?.code, 0);
          if (!arrived.has(id)) {
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error(`entry ${id} not delivered within 1 s`)), 1_000);
              waiters.set(id, () => {
                clearTimeout(timer);
                resolve();
              });
            });
          }
          const delivered = arrived.get(id);
          assert.equal(delivered?.event.kind, 'entry.created');
          assert.deepEqual(delivered?.event.payload, { revision: 1, spiffe_id: `spiffe://example.org/workload/${n}`, parent_id: res.results[0]?.entry?.parent_id });
          latencies.push((delivered?.at ?? Infinity) - started);
        }
        const p50 = percentile(latencies, 50);
        const p99 = percentile(latencies, 99);
        t.diagnostic(`create on replica A → event on replica B, over ${CREATES} creates: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
        assert.ok(Math.max(...latencies) < 1_000, `slowest delivery ${Math.max(...latencies)} ms`);
      } finally {
        await subscription.close();
        await registrar.close();
        await second.close();
        await first.dispose();
      }
    });
  });
}
