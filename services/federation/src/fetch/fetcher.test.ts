/**
 * The bundle fetchers against real local HTTPS servers: hostile endpoints, good updates,
 * https_spiffe authentication before any request, remote rotation, https_web (Web PKI,
 * hostname check, redirects), and the metrics.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { getBundle, getFederationStatus, latestRevision, openPGliteTestDatabase, type TestDatabase } from '@signet/datastore';
import { FakeClock } from '@signet/platform';
import { SpiffeBundle, SpiffeId, TrustDomain } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { createFederationService, type FederationService } from '../app.js';
import {
  addRelationship,
  bundleJson,
  eventsAfter,
  pemOf,
  pointValue,
  serve,
  storeBundle,
  svidCredentials,
  testConfig,
  testLogger,
  testMeter,
  TestHttpsServer,
  writeCaFile,
  type TestHandler,
} from '../testing/fixtures.test-helper.js';
import { checkBundleEndpointUrl, fetchBundleDocument } from './client.js';
import { BundleFetchError } from './errors.js';

const LOCAL = 'example.org';
/** The fetchers' clock: SVIDs are verified at its time, so the remote CAs issue at its time too. */
const clock = new FakeClock(Date.now());
const newCa = (td: string): TestCa => TestCa.create(td, { now: clock.now() });

/** A remote trust domain serving its own bundle over https_spiffe. */
interface Remote {
  readonly td: string;
  readonly ca: TestCa;
  readonly server: TestHttpsServer;
  readonly endpointId: string;
}

async function remote(td: string, handler?: TestHandler): Promise<Remote> {
  const ca = newCa(td);
  const endpointId = `spiffe://${td}/bundle-server`;
  const server = await TestHttpsServer.start(svidCredentials(ca.issueX509Svid(endpointId)), handler ?? serve(bundleJson(td, [ca], { sequence: 5, refreshHint: 300 })));
  return { td, ca, server, endpointId };
}

/** Bootstrap bundle (set by hand) + https_spiffe relationship, as an operator would. */
async function federate(db: TestDatabase['db'], r: Remote, endpointId = r.endpointId): Promise<void> {
  await storeBundle(db, r.td, bundleJson(r.td, [r.ca]), 'manual');
  await addRelationship(db, { trustDomain: r.td, bundleEndpointUrl: r.server.url(), bundleEndpointProfile: 'https_spiffe', endpointSpiffeId: endpointId });
}

describe('bundle fetchers (https_spiffe)', () => {
  let t: TestDatabase;
  let service: FederationService;
  let collect: ReturnType<typeof testMeter>['collect'];
  const remotes: Remote[] = [];

  before(async () => {
    t = await openPGliteTestDatabase();
    const m = testMeter();
    collect = m.collect;
    service = createFederationService({
      db: t.db,
      trustDomain: LOCAL,
      config: testConfig({ 'bundle_endpoint.enabled': false, 'fetch.fetch_timeout': '3s' }),
      clock,
      logger: testLogger().logger,
      meter: m.meter,
      random: () => 0,
    });
    await service.start();
  });
  after(async () => {
    await service.close();
    await Promise.all(remotes.map((r) => r.server.close()));
    await t.dispose();
  });

  const hostile: { name: string; kind: string; handler: (r: Remote) => TestHandler }[] = [
    { name: 'another trust domain', kind: 'wrong_trust_domain', handler: (r) => serve(bundleJson(r.td, [r.ca, newCa('evil.example')], { sequence: 6 })) },
    { name: 'unparsable JSON', kind: 'invalid_bundle', handler: () => serve('{"keys": [') },
    { name: 'not a JWK Set', kind: 'invalid_bundle', handler: () => serve('{"spiffe_sequence": 7}') },
    { name: 'no authorities', kind: 'no_authorities', handler: () => serve('{"keys": [], "spiffe_sequence": 7}') },
    {
      name: 'a huge streamed body',
      kind: 'too_large',
      handler: () => (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"keys": [], "pad": "');
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const pump = (): void => {
          while (sent < 1_600_000 && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end('"}');
        };
        pump();
      },
    },
    {
      name: 'a huge declared body',
      kind: 'too_large',
      handler: () => (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 5_000_000 });
        res.write('{');
      },
    },
    { name: 'a stalled response', kind: 'timeout', handler: () => () => undefined },
    {
      name: 'a stalled body',
      kind: 'timeout',
      handler: (r) => (_req, res) => {
        const doc = bundleJson(r.td, [r.ca], { sequence: 8 });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': doc.length });
        res.write(doc.slice(0, 20));
      },
    },
    { name: 'a lower sequence', kind: 'stale_sequence', handler: (r) => serve(bundleJson(r.td, [r.ca, newCa(r.td)], { sequence: 4 })) },
    {
      name: 'HTTP 500',
      kind: 'http_status',
      handler: () => (_req, res) => {
        res.writeHead(500);
        res.end('boom');
      },
    },
    {
      name: 'HTTP 404',
      kind: 'http_status',
      handler: () => (_req, res) => {
        res.writeHead(404);
        res.end();
      },
    },
    {
      name: 'a connection closed mid-body',
      kind: 'connect',
      handler: () => (_req, res) => {
        res.writeHead(200, { 'Content-Length': 1000 });
        res.write('{"keys":');
        setTimeout(() => res.socket?.destroy(), 20);
      },
    },
  ];

  hostile.forEach((c, i) => {
    it(`keeps the last good bundle and records "${c.kind}" for ${c.name}`, async () => {
      const r = await remote(`hostile${i}.example`);
      remotes.push(r);
      await federate(t.db, r);
      const first = await service.refresh(r.td);
      assert.equal(first.outcome, 'updated', first.error);
      const good = await getBundle(t.db, r.td);
      assert.equal(good?.source, 'federated');
      const revision = await latestRevision(t.db);

      r.server.handler = c.handler(r);
      const result = await service.refresh(r.td);
      assert.equal(result.outcome, 'failed');
      assert.equal(result.errorKind, c.kind, result.error);

      const held = await getBundle(t.db, r.td);
      assert.deepEqual(held, good, 'the last good bundle stays');
      assert.deepEqual(
        (await eventsAfter(t.db, revision)).filter((e) => e.kind.startsWith('bundle.')),
        [],
        'no bundle event',
      );
      const status = await getFederationStatus(t.db, r.td);
      assert.ok(status?.lastError?.startsWith(`${c.kind}: `), status?.lastError);
      assert.equal(status?.sequenceNumber, 5n, 'the sequence of the bundle held');
      assert.ok(status?.lastSuccessAt !== undefined);
      const metrics = await collect();
      assert.equal(pointValue(metrics, 'signet_federation_fetch_attempts', { trust_domain: r.td, outcome: c.kind }), 1);
      assert.equal(pointValue(metrics, 'signet_federation_fetch_attempts', { trust_domain: r.td, outcome: 'ok' }), 1);

      // The endpoint recovers: the next fetch succeeds and clears the error.
      r.server.handler = serve(bundleJson(r.td, [r.ca], { sequence: 5, refreshHint: 300 }));
      assert.equal((await service.refresh(r.td)).outcome, 'unchanged');
      assert.equal((await getFederationStatus(t.db, r.td))?.lastError, undefined);
    });
  });

  const hints: ReadonlyArray<readonly [string, number, number]> = [
    ['a 5 s hint is polled every 30 s (min_refresh_interval)', 5, 30],
    ['a 1-day hint is polled every hour (max_refresh_interval)', 86_400, 3600],
    ['a 10-minute hint is polled every 10 minutes', 600, 600],
  ];
  for (const [what, hint, interval] of hints) {
    it(`records the bounded polling interval next to the hint: ${what}`, async () => {
      const td = `hint-${hint}.example`;
      const r = await remote(td);
      remotes.push(r);
      r.server.handler = serve(bundleJson(r.td, [r.ca], { sequence: 5, refreshHint: hint }));
      await federate(t.db, r);
      assert.notEqual((await service.refresh(r.td)).outcome, 'failed');
      const status = await getFederationStatus(t.db, r.td);
      assert.deepEqual([status?.refreshHintSeconds, status?.refreshIntervalSeconds], [hint, interval]);
    });
  }

  it('stores a new bundle with a bundle.updated event, and only records success for an equal one', async () => {
    const r = await remote('good.example');
    remotes.push(r);
    await federate(t.db, r);
    const rev0 = await latestRevision(t.db);
    assert.equal((await service.refresh(r.td)).outcome, 'updated');
    const next = newCa(r.td);
    r.server.handler = serve(bundleJson(r.td, [r.ca, next], { sequence: 6, refreshHint: 300 }));
    const rev1 = await latestRevision(t.db);
    const result = await service.refresh(r.td);
    assert.equal(result.outcome, 'updated');
    assert.equal(result.sequenceNumber, 6n);
    const stored = await getBundle(t.db, r.td);
    assert.equal(stored?.source, 'federated');
    const bundle = SpiffeBundle.parse(TrustDomain.parse(r.td), JSON.stringify(stored?.document));
    assert.equal(bundle.sequenceNumber, 6n);
    assert.ok(bundle.x509Bundle().hasX509Authority(next.certificate) && bundle.x509Bundle().hasX509Authority(r.ca.certificate));
    const events = (await eventsAfter(t.db, rev1)).filter((e) => e.kind === 'bundle.updated');
    assert.equal(events.length, 1);
    assert.equal(events[0]?.subject, r.td, 'the event names the trust domain the bundle belongs to');
    assert.deepEqual(events[0]?.payload, { source: 'federated', sequence: stored?.sequence, spiffe_sequence: '6' });
    assert.ok((await eventsAfter(t.db, rev0)).some((e) => e.kind === 'bundle.updated' && e.subject === r.td));

    const rev2 = await latestRevision(t.db);
    const before = await getBundle(t.db, r.td);
    assert.equal((await service.refresh(r.td)).outcome, 'unchanged');
    assert.deepEqual(await getBundle(t.db, r.td), before, 'no write');
    assert.deepEqual((await eventsAfter(t.db, rev2)).filter((e) => e.kind.startsWith('bundle.')), [], 'no event');
    const metrics = await collect();
    assert.equal(pointValue(metrics, 'signet_federation_fetch_attempts', { trust_domain: r.td, outcome: 'ok' }), 3);
    assert.equal(pointValue(metrics, 'signet_federation_bundle_updates', { trust_domain: r.td }), 2);
    assert.equal(pointValue(metrics, 'signet_federation_bundle_stale', { trust_domain: r.td }), 0);
    assert.equal(pointValue(metrics, 'signet_federation_last_refresh_timestamp_seconds', { trust_domain: r.td }), Math.floor(clock.nowMs() / 1000));
  });

  it('keeps bundles of different trust domains apart (Federation §4.2)', async () => {
    const a = await remote('apart-a.example');
    const b = await remote('apart-b.example');
    remotes.push(a, b);
    await federate(t.db, a);
    await federate(t.db, b);
    assert.equal((await service.refresh(a.td)).outcome, 'updated');
    assert.equal((await service.refresh(b.td)).outcome, 'updated');
    const docA = SpiffeBundle.parse(TrustDomain.parse(a.td), JSON.stringify((await getBundle(t.db, a.td))?.document));
    const docB = SpiffeBundle.parse(TrustDomain.parse(b.td), JSON.stringify((await getBundle(t.db, b.td))?.document));
    assert.deepEqual(docA.x509Authorities().map((d) => Buffer.from(d).toString('hex')), [Buffer.from(a.ca.certificate).toString('hex')]);
    assert.deepEqual(docB.x509Authorities().map((d) => Buffer.from(d).toString('hex')), [Buffer.from(b.ca.certificate).toString('hex')]);
  });

  it('refuses an endpoint presenting another SPIFFE ID before sending any request', async () => {
    const r = await remote('wrong-id.example');
    remotes.push(r);
    await federate(t.db, r, `spiffe://${r.td}/the-real-bundle-server`);
    const result = await service.refresh(r.td);
    assert.equal(result.outcome, 'failed');
    assert.equal(result.errorKind, 'authentication');
    assert.match(result.error ?? '', /presented spiffe:\/\/wrong-id\.example\/bundle-server, not the endpoint SPIFFE ID/);
    assert.ok(r.server.connections >= 1, 'it connected');
    await sleep(100); // a request written would have reached the server by now
    assert.equal(r.server.requests, 0, 'no HTTP request was sent');
    assert.equal((await getBundle(t.db, r.td))?.source, 'manual', 'the bootstrap bundle stays');
  });

  it('refuses a chain from a CA outside the bundle before sending any request', async () => {
    const r = await remote('other-ca.example');
    remotes.push(r);
    await federate(t.db, r);
    const impostor = newCa(r.td);
    r.server.setCredentials(svidCredentials(impostor.issueX509Svid(r.endpointId)));
    const result = await service.refresh(r.td);
    assert.equal(result.errorKind, 'authentication', result.error);
    assert.match(result.error ?? '', /not a valid X\.509-SVID against the bundle of "other-ca\.example"/);
    await sleep(100);
    assert.equal(r.server.requests, 0, 'no HTTP request was sent');
    // A Web PKI certificate without a SPIFFE ID is no X.509-SVID either.
    const web = newCa('web.test').issueCertificate({ uris: [], dnsNames: ['localhost'] });
    const { privateKey } = web;
    r.server.setCredentials({ cert: pemOf(web.chain), key: privateKey!.export({ format: 'pem', type: 'pkcs8' }).toString() });
    assert.equal((await service.refresh(r.td)).errorKind, 'authentication');
    assert.equal(r.server.requests, 0);
  });

  it('fails clearly without a bundle to authenticate the endpoint with', async () => {
    const r = await remote('no-bootstrap.example');
    remotes.push(r);
    await addRelationship(t.db, { trustDomain: r.td, bundleEndpointUrl: r.server.url(), bundleEndpointProfile: 'https_spiffe', endpointSpiffeId: r.endpointId });
    const result = await service.refresh(r.td);
    assert.equal(result.errorKind, 'authentication');
    assert.match(result.error ?? '', /no bundle of trust domain "no-bootstrap\.example" is held/);
    assert.equal(r.server.connections, 0, 'not even connected');
  });

  it('follows a remote rotation: each connection is verified against the latest bundle fetched', async () => {
    const r = await remote('rotating.example');
    remotes.push(r);
    await federate(t.db, r);
    const next = newCa(r.td);
    // 1. The remote publishes its next CA while still serving with an SVID of the first.
    r.server.handler = serve(bundleJson(r.td, [r.ca, next], { sequence: 6 }));
    assert.equal((await service.refresh(r.td)).outcome, 'updated');
    // 2. It rotates: SVID from the new CA, old CA dropped from the bundle.
    r.server.setCredentials(svidCredentials(next.issueX509Svid(r.endpointId)));
    r.server.handler = serve(bundleJson(r.td, [next], { sequence: 7 }));
    const rotated = await service.refresh(r.td);
    assert.equal(rotated.outcome, 'updated', rotated.error);
    assert.equal(rotated.sequenceNumber, 7n);
    // 3. An SVID of the retired CA is no longer accepted.
    const requests = r.server.requests;
    r.server.setCredentials(svidCredentials(r.ca.issueX509Svid(r.endpointId)));
    assert.equal((await service.refresh(r.td)).errorKind, 'authentication');
    assert.equal(r.server.requests, requests);
  });

  it('authenticates a non-self-serving endpoint with the bundle of the endpoint\'s own trust domain (§5.2.2.2)', async () => {
    const host = await remote('host.example');
    remotes.push(host);
    await federate(t.db, host);
    assert.equal((await service.refresh(host.td)).outcome, 'updated');
    // host.example also serves the bundle of tenant.example, with its own SVID.
    const tenantCa = newCa('tenant.example');
    host.server.handler = serve(bundleJson('tenant.example', [tenantCa], { sequence: 1 }));
    await addRelationship(t.db, { trustDomain: 'tenant.example', bundleEndpointUrl: host.server.url('/tenant'), bundleEndpointProfile: 'https_spiffe', endpointSpiffeId: host.endpointId });
    const result = await service.refresh('tenant.example');
    assert.equal(result.outcome, 'updated', result.error);
    const stored = await getBundle(t.db, 'tenant.example');
    assert.equal(SpiffeBundle.parse(TrustDomain.parse('tenant.example'), JSON.stringify(stored?.document)).x509Authorities().length, 1);
  });

  for (const source of ['manual', 'federated'] as const) {
    it(`replaces a bootstrap bundle (source ${source}) even when its sequence is higher (§4.2)`, async () => {
      const r = await remote(`bootstrap-${source}.example`);
      remotes.push(r);
      // The registrar stores the bootstrap bundle given at creation as "federated", numbered by the store when it has no sequence.
      await storeBundle(t.db, r.td, bundleJson(r.td, [r.ca], { sequence: 900 }), source);
      await addRelationship(t.db, { trustDomain: r.td, bundleEndpointUrl: r.server.url(), bundleEndpointProfile: 'https_spiffe', endpointSpiffeId: r.endpointId });
      assert.equal((await service.refresh(r.td)).outcome, 'updated');
      assert.equal((await getBundle(t.db, r.td))?.document['spiffe_sequence'], 5);
      // From now on, sequences are compared with the fetched one.
      r.server.handler = serve(bundleJson(r.td, [r.ca, newCa(r.td)], { sequence: 3 }));
      assert.equal((await service.refresh(r.td)).errorKind, 'stale_sequence');
    });
  }

  it('refuses a bundle endpoint URL with userinfo', async () => {
    const r = await remote('userinfo.example');
    remotes.push(r);
    await storeBundle(t.db, r.td, bundleJson(r.td, [r.ca]), 'manual');
    await addRelationship(t.db, {
      trustDomain: r.td,
      bundleEndpointUrl: `https://user:secret@127.0.0.1:${r.server.port}/bundle`,
      bundleEndpointProfile: 'https_spiffe',
      endpointSpiffeId: r.endpointId,
    });
    const result = await service.refresh(r.td);
    assert.equal(result.errorKind, 'invalid_url');
    assert.equal(r.server.connections, 0);
  });

  it('reports health per relationship, from the datastore', async () => {
    const health = await service.health();
    const good = health.relationships.find((h) => h.trustDomain === 'good.example');
    assert.ok(good);
    assert.equal(good.fetchedByThisReplica, true);
    assert.equal(good.lastError, undefined);
    assert.equal(good.sequenceNumber, 6n);
    assert.equal(good.refreshHintSeconds, 300);
    assert.equal(good.refreshIntervalSeconds, 300);
    assert.equal(good.stale, false);
    const failing = health.relationships.find((h) => h.trustDomain === 'no-bootstrap.example');
    assert.match(failing?.lastError ?? '', /^authentication: /);
    assert.equal(failing?.bundleEndpointProfile, 'https_spiffe');
    assert.equal(failing?.endpointSpiffeId, 'spiffe://no-bootstrap.example/bundle-server');
  });
});

describe('bundle fetchers (https_web)', () => {
  let t: TestDatabase;
  let dir: string;
  let server: TestHttpsServer;
  const webCa = TestCa.create('web.test');
  const remoteCas = new Map<string, TestCa>();
  const caOf = (td: string): TestCa => {
    let ca = remoteCas.get(td);
    if (ca === undefined) remoteCas.set(td, (ca = TestCa.create(td)));
    return ca;
  };
  const clock = new FakeClock(Date.now());
  const services: FederationService[] = [];

  async function start(extraCa: boolean): Promise<FederationService> {
    const service = createFederationService({
      db: t.db,
      trustDomain: LOCAL,
      config: testConfig({
        'bundle_endpoint.enabled': false,
        'fetch.fetch_timeout': '2s',
        'fetch.extra_ca_files': extraCa ? [join(dir, 'web-ca.pem')] : [],
      }),
      clock,
      logger: testLogger().logger,
      followEvents: false,
    });
    await service.start();
    services.push(service);
    return service;
  }

  before(async () => {
    t = await openPGliteTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'signet-federation-web-'));
    await writeCaFile(join(dir, 'web-ca.pem'), webCa);
    // /b/<td>: the bundle of <td>; /moved/<td>: 302 to it; /downgrade/<td>: 307 to http://; /loop/<td>: redirects forever.
    server = await TestHttpsServer.start(svidCredentials(webCa.issueX509Svid('spiffe://web.test/server', { dnsNames: ['localhost'] })), (req, res) => {
      const [, kind, td = ''] = (req.url ?? '').split('/');
      const redirect = (status: number, location: string): void => {
        res.writeHead(status, { Location: location });
        res.end();
      };
      if (kind === 'moved') return redirect(302, `/b/${td}`);
      if (kind === 'downgrade') return redirect(307, `http://localhost:${server.port}/b/${td}`);
      if (kind === 'loop') return redirect(302, `/loop/${td}`);
      serve(bundleJson(td, [caOf(td)], { sequence: 1 }))(req, res);
    });
  });
  after(async () => {
    await Promise.all(services.map((s) => s.close()));
    await server.close();
    await t.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const cases: { name: string; td: string; host: string; path: string; extraCa: boolean; outcome: string }[] = [
    { name: 'a trusted certificate for the host', td: 'web-ok.example', host: 'localhost', path: '/b', extraCa: true, outcome: 'updated' },
    { name: 'a certificate not naming the host (RFC 6125)', td: 'web-ip.example', host: '127.0.0.1', path: '/b', extraCa: true, outcome: 'tls' },
    { name: 'a certificate from an untrusted CA', td: 'web-untrusted.example', host: 'localhost', path: '/b', extraCa: false, outcome: 'tls' },
    { name: 'a temporary redirect to an https URL', td: 'web-moved.example', host: 'localhost', path: '/moved', extraCa: true, outcome: 'updated' },
    { name: 'a redirect to an http URL', td: 'web-downgrade.example', host: 'localhost', path: '/downgrade', extraCa: true, outcome: 'redirect' },
    { name: 'endless redirects', td: 'web-loop.example', host: 'localhost', path: '/loop', extraCa: true, outcome: 'redirect' },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.outcome}`, async () => {
      const service = await start(c.extraCa);
      await addRelationship(t.db, { trustDomain: c.td, bundleEndpointUrl: server.url(`${c.path}/${c.td}`, c.host), bundleEndpointProfile: 'https_web' });
      const result = await service.refresh(c.td);
      assert.equal(result.outcome === 'failed' ? result.errorKind : result.outcome, c.outcome, result.error);
      if (c.outcome === 'updated') {
        const stored = await getBundle(t.db, c.td);
        assert.equal(stored?.source, 'federated');
        const bundle = SpiffeBundle.parse(TrustDomain.parse(c.td), JSON.stringify(stored?.document));
        assert.ok(bundle.x509Bundle().hasX509Authority(caOf(c.td).certificate));
      } else {
        assert.equal(await getBundle(t.db, c.td), undefined);
      }
    });
  }
});

describe('fetchBundleDocument', () => {
  it('refuses URLs that are not bundle endpoint URLs (§5.2.1.1, §5.2.2.1)', async () => {
    for (const url of ['http://example.org/bundle', 'https://user@example.org/', 'https://u:p@example.org/', 'ftp://example.org/', 'not a url']) {
      await assert.rejects(
        fetchBundleDocument({ url, profile: 'https_web', timeoutMs: 1000, maxBytes: 1024, now: () => new Date() }),
        (err: unknown) => err instanceof BundleFetchError && err.kind === 'invalid_url',
        url,
      );
    }
    assert.equal(checkBundleEndpointUrl('https://example.org:8443/td?x=1').port, '8443');
  });

  it('can be cancelled', async () => {
    const ca = TestCa.create('cancel.example');
    const server = await TestHttpsServer.start(svidCredentials(ca.issueX509Svid('spiffe://cancel.example/s')), () => undefined);
    try {
      const abort = new AbortController();
      const pending = fetchBundleDocument({
        url: server.url(),
        profile: 'https_spiffe',
        endpointSpiffeId: SpiffeId.parse('spiffe://cancel.example/s'),
        endpointBundle: ca.x509Bundle(),
        timeoutMs: 10_000,
        maxBytes: 1024,
        now: () => new Date(),
        signal: abort.signal,
      });
      setTimeout(() => abort.abort(new Error('stop')), 100);
      await assert.rejects(pending, /stop/);
    } finally {
      await server.close();
    }
  });
});
