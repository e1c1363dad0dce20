/**
 * Two replicas (two service instances with their own connections and owner ids) on one Postgres
 * schema: only the lease holder fetches a relationship; the other takes over once it is released.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatastore, openPostgresTestDatabase, probeTestPostgres, silentLogger, type Db, type TestDatabase } from '@signet/datastore';
import { FakeClock } from '@signet/platform';
import { TestCa } from '@signet/spiffe/testing';
import { createFederationService, type FederationService } from '../app.js';
import { addRelationship, bundleJson, serve, storeBundle, svidCredentials, testConfig, testLogger, TestHttpsServer } from '../testing/fixtures.test-helper.js';
import { waitFor } from '../testing/wait.test-helper.js';

const probe = await probeTestPostgres();
const underCi = !['', '0', 'false', undefined].includes(process.env['CI']);
/** Skipped (with the reason) when Postgres is unreachable, except under CI, where it fails. */
const skip = probe.available || underCi ? false : `${probe.reason} (set SIGNET_TEST_DATABASE_URL)`;

describe('fetch lease across replicas (Postgres)', { skip }, () => {
  let t: TestDatabase;
  let db2: Db;
  let server: TestHttpsServer;
  const clock = new FakeClock(Date.now());
  const td = 'leased.example';
  const replicas: FederationService[] = [];

  before(async () => {
    t = await openPostgresTestDatabase({ url: probe.url });
    db2 = await openDatastore({ url: probe.url, schema: t.db.schema, logger: silentLogger });
    const ca = TestCa.create(td, { now: clock.now(), ttlSeconds: 30 * 86_400 });
    server = await TestHttpsServer.start(
      svidCredentials(ca.issueX509Svid(`spiffe://${td}/bundle-server`, { ttlSeconds: 20 * 86_400 })),
      serve(bundleJson(td, [ca], { sequence: 1, refreshHint: 60 })),
    );
    for (const [i, db] of [t.db, db2].entries()) {
      const replica = createFederationService({
        db,
        trustDomain: 'example.org',
        config: testConfig({ 'bundle_endpoint.enabled': false, 'fetch.fetch_timeout': '5s' }),
        clock,
        logger: testLogger().logger,
        ownerId: `replica-${i}`,
        random: () => 0,
      });
      await replica.start();
      replicas.push(replica);
    }
    await storeBundle(t.db, td, bundleJson(td, [ca]), 'manual', clock.now());
    await addRelationship(t.db, { trustDomain: td, bundleEndpointUrl: server.url(), bundleEndpointProfile: 'https_spiffe', endpointSpiffeId: `spiffe://${td}/bundle-server` }, clock.now());
    for (const replica of replicas) {
      await waitFor(async () => (await replica.health()).relationships.length === 1, 'both replicas to follow the new relationship');
    }
  });
  after(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await server?.close();
    await db2?.close();
    await t?.dispose();
  });

  async function step(ms: number): Promise<void> {
    clock.advance(ms);
    await Promise.all(replicas.map((r) => r.idle()));
  }

  async function holders(): Promise<boolean[]> {
    return Promise.all(replicas.map(async (r) => (await r.health()).relationships[0]?.fetchedByThisReplica ?? false));
  }

  it('lets one replica fetch a relationship at a time', async () => {
    await step(0); // both are due at once
    assert.equal(server.requests, 1, 'one fetch, not two');
    const held = await holders();
    assert.equal(held.filter(Boolean).length, 1, 'exactly one holds the lease');
    for (let i = 0; i < 4; i++) {
      await step(30_000);
      await step(30_000);
      assert.equal(server.requests, 2 + i, 'one fetch per refresh interval, by the holder');
      assert.deepEqual(await holders(), held, 'the holder keeps the lease from cycle to cycle');
    }
    const [a, b] = await Promise.all(replicas.map(async (r) => (await r.health()).relationships[0]));
    assert.equal(a?.lastSuccessAt?.getTime(), b?.lastSuccessAt?.getTime(), 'both report the same health, from the datastore');
    assert.equal(a?.sequenceNumber, 1n);
    assert.equal(b?.sequenceNumber, 1n);
  });

  it('hands over when the holder stops', async () => {
    const held = await holders();
    const holderIndex = held.indexOf(true);
    const holder = replicas[holderIndex]!;
    const other = replicas[1 - holderIndex]!;
    await holder.close(); // releases the lease
    replicas.splice(holderIndex, 1);
    const requests = server.requests;
    await step(30_000); // the other replica's next lease check
    assert.equal(server.requests, requests + 1, 'the other replica fetched');
    assert.equal((await other.health()).relationships[0]?.fetchedByThisReplica, true);
    await step(60_000);
    assert.equal(server.requests, requests + 2);
  });
});
