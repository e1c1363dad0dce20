/**
 * Refresh scheduling on a fake clock (no sleeping): the refresh hint, bounded; backoff after
 * failures; the stale gauge; following relationship events; resuming the schedule at start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  appendEvent,
  deleteFederationRelationship,
  EventKinds,
  getFederationStatus,
  openPGliteTestDatabase,
  updateFederationRelationship,
  type TestDatabase,
} from '@signet/datastore';
import { FakeClock } from '@signet/platform';
import { TestCa } from '@signet/spiffe/testing';
import { createFederationService, type FederationService } from '../app.js';
import {
  addRelationship,
  bundleJson,
  pointValue,
  serve,
  storeBundle,
  svidCredentials,
  testConfig,
  testLogger,
  testMeter,
  TestHttpsServer,
  type TestHandler,
} from '../testing/fixtures.test-helper.js';
import { waitFor } from '../testing/wait.test-helper.js';

const S = 1_000;

describe('refresh scheduling', () => {
  let t: TestDatabase;
  const clock = new FakeClock(Date.now());
  const servers: TestHttpsServer[] = [];
  const services: FederationService[] = [];

  before(async () => {
    t = await openPGliteTestDatabase();
  });
  after(async () => {
    await Promise.all(services.map((s) => s.close()));
    await Promise.all(servers.map((s) => s.close()));
    await t.dispose();
  });

  async function startService(meter?: ReturnType<typeof testMeter>['meter']): Promise<FederationService> {
    const service = createFederationService({
      db: t.db,
      trustDomain: 'example.org',
      config: testConfig({ 'bundle_endpoint.enabled': false, 'fetch.fetch_timeout': '3s' }),
      clock,
      logger: testLogger().logger,
      random: () => 0,
      ownerId: `replica-${services.length}`,
      ...(meter === undefined ? {} : { meter }),
    });
    await service.start();
    services.push(service);
    return service;
  }

  /** A remote serving `handler`, federated by hand (bootstrap + relationship with its event). */
  async function federate(td: string, handler: (ca: TestCa) => TestHandler): Promise<{ server: TestHttpsServer; ca: TestCa }> {
    // Long lifetimes: the fake clock runs for hours.
    const ca = TestCa.create(td, { now: clock.now(), ttlSeconds: 100 * 86_400 });
    const svid = ca.issueX509Svid(`spiffe://${td}/bundle-server`, { ttlSeconds: 90 * 86_400 });
    const server = await TestHttpsServer.start(svidCredentials(svid), handler(ca));
    servers.push(server);
    await storeBundle(t.db, td, bundleJson(td, [ca]), 'manual', clock.now());
    await addRelationship(t.db, { trustDomain: td, bundleEndpointUrl: server.url(), bundleEndpointProfile: 'https_spiffe', endpointSpiffeId: `spiffe://${td}/bundle-server` }, clock.now());
    return { server, ca };
  }

  /** Moves the fake clock and waits for the refreshes it started. */
  async function step(service: FederationService, ms: number): Promise<void> {
    clock.advance(ms);
    await service.idle();
  }

  async function fetcherOf(service: FederationService, td: string): Promise<void> {
    await waitFor(async () => (await service.health()).relationships.some((r) => r.trustDomain === td), `the fetcher of ${td}`);
  }

  const hints: { hint: number | undefined; expectedSeconds: number; why: string }[] = [
    { hint: 120, expectedSeconds: 120, why: 'the hint' },
    { hint: 5, expectedSeconds: 30, why: 'min_refresh_interval' },
    { hint: 86_400, expectedSeconds: 3_600, why: 'max_refresh_interval' },
    { hint: undefined, expectedSeconds: 300, why: 'default_refresh_interval' },
  ];
  hints.forEach((c, i) => {
    it(`polls every ${c.expectedSeconds}s for a refresh hint of ${c.hint ?? 'none'} (${c.why})`, async () => {
      const service = await startService();
      const td = `hint${i}.example`;
      const { server } = await federate(td, (ca) => serve(bundleJson(td, [ca], { sequence: 1, ...(c.hint === undefined ? {} : { refreshHint: c.hint }) })));
      await fetcherOf(service, td);
      await step(service, 0);
      assert.equal(server.requests, 1, 'a new relationship is fetched at once');
      const health = (await service.health()).relationships.find((r) => r.trustDomain === td);
      assert.equal(health?.refreshIntervalSeconds, c.expectedSeconds);
      assert.equal(health?.nextRefreshAt?.getTime(), clock.nowMs() + c.expectedSeconds * S);
      assert.equal((await getFederationStatus(t.db, td))?.nextRefreshAt?.getTime(), clock.nowMs() + c.expectedSeconds * S);
      await step(service, c.expectedSeconds * S - 1);
      assert.equal(server.requests, 1, 'not before the interval');
      await step(service, 1);
      assert.equal(server.requests, 2, 'at the interval');
      await step(service, c.expectedSeconds * S);
      assert.equal(server.requests, 3, 'and again');
      await service.close();
    });
  });

  it('backs off exponentially after failures, capped at the interval, and flags the bundle stale', async () => {
    const { meter, collect } = testMeter();
    const service = await startService(meter);
    const td = 'backoff.example';
    let failing = false;
    const { server } = await federate(td, (ca) => (req, res) => {
      if (!failing) return serve(bundleJson(td, [ca], { sequence: 1, refreshHint: 300 }))(req, res);
      res.writeHead(503);
      res.end();
    });
    await fetcherOf(service, td);
    await step(service, 0);
    assert.equal(server.requests, 1);
    const lastSuccess = clock.nowMs();
    failing = true;
    await step(service, 300 * S);
    assert.equal(server.requests, 2, 'the first failure, at the interval');
    const delays: number[] = [];
    let stale: number | undefined;
    for (let i = 0; i < 5; i++) {
      const count: number = server.requests;
      const next = (await service.health()).relationships.find((r) => r.trustDomain === td)!.nextRefreshAt!.getTime() - clock.nowMs();
      delays.push(next / S);
      await step(service, next - 1);
      assert.equal(server.requests, count, 'not sooner than the backoff');
      await step(service, 1);
      assert.equal(server.requests, count + 1);
      if (clock.nowMs() - lastSuccess > 600 * S && stale === undefined) {
        stale = pointValue(await collect(), 'signet_federation_bundle_stale', { trust_domain: td });
      }
    }
    assert.deepEqual(delays, [30, 60, 120, 240, 300]);
    const health = (await service.health()).relationships.find((r) => r.trustDomain === td)!;
    assert.equal(health.consecutiveFailures, 6);
    assert.match(health.lastError ?? '', /^http_status: .*HTTP 503/);
    assert.equal(health.stale, true);
    assert.equal(stale, 1, 'stale once not refreshed within twice the interval');
    const metrics = await collect();
    assert.equal(pointValue(metrics, 'signet_federation_fetch_attempts', { trust_domain: td, outcome: 'http_status' }), 6);
    assert.equal(pointValue(metrics, 'signet_federation_bundle_age_seconds', { trust_domain: td }), (clock.nowMs() - lastSuccess) / S);
    assert.equal(pointValue(metrics, 'signet_federation_last_refresh_timestamp_seconds', { trust_domain: td }), Math.floor(lastSuccess / S));

    failing = false;
    await step(service, 300 * S);
    const recovered = (await service.health()).relationships.find((r) => r.trustDomain === td)!;
    assert.equal(recovered.consecutiveFailures, 0);
    assert.equal(recovered.lastError, undefined);
    assert.equal(recovered.stale, false);
    assert.equal(recovered.nextRefreshAt?.getTime(), clock.nowMs() + 300 * S, 'back to the refresh interval');
    assert.equal(pointValue(await collect(), 'signet_federation_bundle_stale', { trust_domain: td }), 0);
    await service.close();
  });

  it('follows relationship events: refresh requested, endpoint changed, relationship deleted', async () => {
    const service = await startService();
    const td = 'events.example';
    const { server, ca } = await federate(td, (ca) => (req, res) => serve(bundleJson(td, [ca], { sequence: req.url === '/v2' ? 2 : 1 }))(req, res));
    await fetcherOf(service, td);
    await step(service, 0);
    assert.equal(server.requests, 1);

    await appendEvent(t.db, { kind: EventKinds.federationRefreshRequested, subject: td }, clock.now());
    await waitFor(() => server.requests === 2, 'the requested refresh');

    await t.db.transaction(async (tx) => {
      await updateFederationRelationship(tx, td, { bundleEndpointUrl: server.url('/v2') }, clock.now());
      await appendEvent(tx, { kind: EventKinds.federationRelationshipUpdated, subject: td }, clock.now());
    });
    await waitFor(async () => (await getFederationStatus(t.db, td))?.sequenceNumber === 2n, 'a refresh from the new URL');
    assert.equal(server.requests, 3);

    await t.db.transaction(async (tx) => {
      await deleteFederationRelationship(tx, td);
      await appendEvent(tx, { kind: EventKinds.federationRelationshipDeleted, subject: td }, clock.now());
    });
    await waitFor(async () => !(await service.health()).relationships.some((r) => r.trustDomain === td), 'the fetcher to stop');
    assert.equal(await getFederationStatus(t.db, td), undefined, 'its status is forgotten');
    await step(service, 3_600 * S);
    assert.equal(server.requests, 3, 'no more fetches');
    await assert.rejects(service.refresh(td), /no federation relationship/);
    void ca;
    await service.close();
  });

  it('resumes the schedule recorded in federation_status at start', async () => {
    const first = await startService();
    const td = 'resume.example';
    const { server } = await federate(td, (ca) => serve(bundleJson(td, [ca], { sequence: 1, refreshHint: 600 })));
    await fetcherOf(first, td);
    await step(first, 0);
    assert.equal(server.requests, 1);
    await first.close(); // releases the lease
    await step(first, 100 * S);

    const second = await startService();
    await step(second, 0);
    assert.equal(server.requests, 1, 'not refetched at start: the bundle is fresh');
    await step(second, 500 * S - 1);
    assert.equal(server.requests, 1);
    await step(second, 1);
    assert.equal(server.requests, 2, 'fetched when the recorded next refresh is due');
    await second.close();
  });
});
