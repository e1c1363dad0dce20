/**
 * The bundle endpoint: the document served (and kept current by the change log), both TLS
 * profiles with their credential rotation, Mozilla intermediate TLS, no client authentication,
 * and Signet-to-Signet federation through it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getBundle, openPGliteTestDatabase, type TestDatabase } from '@signet/datastore';
import { FakeClock, X509SvidHolder } from '@signet/platform';
import { SpiffeBundle, TrustDomain, verifyX509Svid } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { createFederationService, type FederationService } from '../app.js';
import { get } from '../testing/client.test-helper.js';
import { addRelationship, bundleJson, jwtKey, pemOf, storeBundle, svidCredentials, testConfig, testLogger } from '../testing/fixtures.test-helper.js';
import { waitFor } from '../testing/wait.test-helper.js';
import { BundleEndpointServer, DEFAULT_REFRESH_HINT_SECONDS } from './bundle-endpoint.js';
import { SvidTlsCredentials } from '../internal/credentials.js';

const LOCAL = 'example.org';
const td = TrustDomain.parse(LOCAL);
const SERVER_ID = 'spiffe://example.org/spire/server';

function parse(body: string): SpiffeBundle {
  return SpiffeBundle.parse(td, body);
}

describe('bundle endpoint (https_spiffe)', () => {
  let t: TestDatabase;
  let service: FederationService;
  let url: string;
  const ca = TestCa.create(LOCAL);
  const holder = new X509SvidHolder(ca.issueX509Svid(SERVER_ID));

  before(async () => {
    t = await openPGliteTestDatabase();
    await storeBundle(t.db, LOCAL, bundleJson(LOCAL, [ca], { sequence: 1, refreshHint: 60, jwt: [['jwt-1', jwtKey()]] }), 'local');
    service = createFederationService({
      db: t.db,
      trustDomain: LOCAL,
      config: testConfig({ 'bundle_endpoint.port': 0, 'bundle_endpoint.path': '/bundle.json' }),
      clock: new FakeClock(Date.now()),
      logger: testLogger().logger,
      svidSource: holder,
    });
    await service.start();
    url = service.endpoints().bundle_endpoint_url!;
  });
  after(async () => {
    await service.close();
    await t.dispose();
  });

  it('reports its URL and the SPIFFE ID it serves with', () => {
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+\/bundle\.json$/);
    assert.equal(service.endpoints().bundle_endpoint_spiffe_id, SERVER_ID);
    assert.equal(service.endpoints().oidc_discovery_url, undefined, 'OIDC is off by default');
  });

  it('answers GET with the local bundle document, JSON, uncached, with its sequence and refresh hint', async () => {
    const res = await get(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['cache-control'], 'no-store');
    const bundle = parse(res.body);
    assert.equal(bundle.sequenceNumber, 1n);
    assert.equal(bundle.refreshHint, 60);
    assert.ok(bundle.x509Bundle().hasX509Authority(ca.certificate));
    assert.equal(bundle.jwtAuthorities().size, 1);
    assert.equal(Buffer.from(res.body, 'utf8').toString('utf8'), res.body, 'UTF-8');
  });

  it('presents the server X.509-SVID and asks for no client certificate (§5.2.2.3)', async () => {
    const res = await get(url); // this client has no certificate
    assert.equal(res.status, 200);
    assert.equal(res.peer?.subjectaltname, `URI:${SERVER_ID}`);
    const chain = [new Uint8Array(res.peer!.raw)];
    assert.equal(verifyX509Svid(chain, ca.x509Bundle()).id.toString(), SERVER_ID, 'a valid X.509-SVID of the local trust domain');
  });

  it('picks a renewed SVID up without restarting', async () => {
    const before = (await get(url)).peer?.serialNumber;
    holder.set(ca.issueX509Svid(SERVER_ID));
    const after = (await get(url)).peer?.serialNumber;
    assert.notEqual(after, before);
    assert.equal((await get(url)).peer?.serialNumber, after);
  });

  it('serves the new bundle as soon as the change log reports it, with a higher sequence', async () => {
    const next = TestCa.create(LOCAL);
    await storeBundle(t.db, LOCAL, bundleJson(LOCAL, [ca, next], { sequence: 2, refreshHint: 60 }), 'local');
    const bundle = await waitFor(async () => {
      const b = parse((await get(url)).body);
      return b.sequenceNumber === 2n ? b : undefined;
    }, 'the new local bundle to be served');
    assert.ok(bundle.x509Bundle().hasX509Authority(next.certificate), 'a prepared authority is published before it signs (§4.1)');
    assert.equal(bundle.jwtAuthorities().size, 0);
  });

  it('answers HEAD like GET without a body, 405 to other methods and 404 to other paths', async () => {
    const head = await get(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const post = await get(url, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers['allow'], 'GET, HEAD');
    assert.equal((await get(url, { method: 'DELETE' })).status, 405);
    assert.equal((await get(url.replace('/bundle.json', '/'))).status, 404);
    assert.equal((await get(url.replace('/bundle.json', '/bundle.json/x'))).status, 404);
    assert.equal((await get(`${url}?x=1`)).status, 200, 'the query string is ignored');
  });

  it('follows Mozilla intermediate TLS: TLS 1.2+ with AEAD ECDHE/DHE suites only (§5)', async () => {
    await assert.rejects(get(url, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }));
    await assert.rejects(get(url, { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA256:AES256-GCM-SHA384' }), 'no static-RSA or CBC suite');
    assert.equal((await get(url, { maxVersion: 'TLSv1.2' })).status, 200);
    assert.equal((await get(url, { minVersion: 'TLSv1.3' })).status, 200);
  });

  it('reports the endpoint in health()', async () => {
    const health = await service.health();
    assert.equal(health.trust_domain, LOCAL);
    assert.deepEqual(health.bundle_endpoint, { url, profile: 'https_spiffe', serving: true, sequence_number: 2n });
  });
});

describe('BundleEndpointServer', () => {
  const ca = TestCa.create(LOCAL);
  const credentials = new SvidTlsCredentials(new X509SvidHolder(ca.issueX509Svid(SERVER_ID)), testLogger().logger);

  it('answers 503 until a bundle is published, then adds or overrides spiffe_refresh_hint', async () => {
    let bundle: SpiffeBundle | undefined;
    let hint: number | undefined;
    const make = () => new BundleEndpointServer({ host: '127.0.0.1', port: 0, credentials, bundle: () => bundle, refreshHintSeconds: hint, logger: testLogger().logger });
    let server = make();
    const { url } = await server.listen();
    try {
      const res = await get(url);
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '5');
      bundle = parse(bundleJson(LOCAL, [ca], { sequence: 4 }));
      const served = parse((await get(url)).body);
      assert.equal(served.refreshHint, DEFAULT_REFRESH_HINT_SECONDS, 'a hint is always published');
      assert.equal(served.sequenceNumber, 4n);
    } finally {
      await server.close();
    }
    hint = 900;
    bundle = parse(bundleJson(LOCAL, [ca], { sequence: 5, refreshHint: 60 }));
    server = make();
    const { url: url2 } = await server.listen();
    try {
      assert.equal(parse((await get(url2)).body).refreshHint, 900, 'the configured hint wins');
    } finally {
      await server.close();
    }
  });
});

describe('bundle endpoint (https_web)', () => {
  let t: TestDatabase;
  let dir: string;
  let service: FederationService;
  const clock = new FakeClock(Date.now());
  const webCa = TestCa.create('web.test');
  const ca = TestCa.create(LOCAL);
  const caPem = pemOf([webCa.certificate]);

  async function writeCert(certFile: string, keyFile: string): Promise<string> {
    const leaf = webCa.issueCertificate({ uris: [], dnsNames: ['localhost'] });
    await writeFile(certFile, pemOf(leaf.chain));
    await writeFile(keyFile, leaf.privateKey!.export({ format: 'pem', type: 'pkcs8' }));
    return Buffer.from(leaf.certificate).toString('hex');
  }

  let certFile: string;
  let keyFile: string;
  before(async () => {
    t = await openPGliteTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'signet-federation-endpoint-'));
    certFile = join(dir, 'tls.crt');
    keyFile = join(dir, 'tls.key');
    await writeCert(certFile, keyFile);
    await storeBundle(t.db, LOCAL, bundleJson(LOCAL, [ca], { sequence: 1 }), 'local');
    service = createFederationService({
      db: t.db,
      trustDomain: LOCAL,
      config: testConfig({ 'bundle_endpoint.port': 0, 'bundle_endpoint.profile': 'https_web', 'bundle_endpoint.cert_file': certFile, 'bundle_endpoint.key_file': keyFile }),
      clock,
      logger: testLogger().logger,
      certReloadIntervalMs: 5_000,
    });
    await service.start();
  });
  after(async () => {
    await service.close();
    await t.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const local = (): string => service.endpoints().bundle_endpoint_url!.replace('127.0.0.1', 'localhost');

  it('serves the bundle over Web PKI, verified for the host name, with no SPIFFE ID to report', async () => {
    const res = await get(local(), { ca: caPem });
    assert.equal(res.status, 200);
    assert.equal(parse(res.body).sequenceNumber, 1n);
    assert.equal(service.endpoints().bundle_endpoint_spiffe_id, undefined);
  });

  it('reloads the certificate when the files change, and keeps it while they are half-written', async () => {
    const before = Buffer.from((await get(local(), { ca: caPem })).peer!.raw).toString('hex');
    // Half-written: a new certificate with the old key. Kept out.
    const other = webCa.issueCertificate({ uris: [], dnsNames: ['localhost'] });
    await writeFile(certFile, pemOf(other.chain));
    clock.advance(5_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(Buffer.from((await get(local(), { ca: caPem })).peer!.raw).toString('hex'), before);
    // Complete: a matching pair. Taken at the next poll.
    const next = await writeCert(certFile, keyFile);
    clock.advance(5_000);
    await waitFor(async () => Buffer.from((await get(local(), { ca: caPem })).peer!.raw).toString('hex') === next, 'the new certificate');
  });

  it('refuses to start with unusable certificate files', async () => {
    await writeFile(join(dir, 'bad.crt'), 'not a certificate');
    const bad = createFederationService({
      db: t.db,
      trustDomain: LOCAL,
      config: testConfig({ 'bundle_endpoint.port': 0, 'bundle_endpoint.profile': 'https_web', 'bundle_endpoint.cert_file': join(dir, 'bad.crt'), 'bundle_endpoint.key_file': keyFile }),
      clock,
      logger: testLogger().logger,
    });
    await assert.rejects(bad.start(), /not a usable certificate and key/);
  });
});

describe('Signet to Signet federation through the bundle endpoint', () => {
  it('fetches a peer Signet\'s bundle over https_spiffe, bootstrapped with its bundle', async () => {
    const [a, b] = await Promise.all([openPGliteTestDatabase(), openPGliteTestDatabase()]);
    const clock = new FakeClock(Date.now());
    const caA = TestCa.create('a.example', { now: clock.now() });
    const serverA = createFederationService({
      db: a.db,
      trustDomain: 'a.example',
      config: testConfig({ 'bundle_endpoint.port': 0 }),
      clock,
      logger: testLogger().logger,
      svidSource: new X509SvidHolder(caA.issueX509Svid('spiffe://a.example/spire/server')),
    });
    const serverB = createFederationService({
      db: b.db,
      trustDomain: 'b.example',
      config: testConfig({ 'bundle_endpoint.enabled': false }),
      clock,
      logger: testLogger().logger,
    });
    try {
      await storeBundle(a.db, 'a.example', bundleJson('a.example', [caA], { sequence: 3, refreshHint: 120 }), 'local');
      await serverA.start();
      await serverB.start();
      const { bundle_endpoint_url, bundle_endpoint_spiffe_id } = serverA.endpoints();
      // The operator of b.example configures the relationship with a's bundle as bootstrap.
      await storeBundle(b.db, 'a.example', bundleJson('a.example', [caA]), 'manual');
      await addRelationship(b.db, { trustDomain: 'a.example', bundleEndpointUrl: bundle_endpoint_url!, bundleEndpointProfile: 'https_spiffe', endpointSpiffeId: bundle_endpoint_spiffe_id! });
      const result = await serverB.refresh('a.example');
      assert.equal(result.outcome, 'updated', result.error);
      const stored = await getBundle(b.db, 'a.example');
      assert.equal(stored?.source, 'federated');
      assert.equal(stored?.document['spiffe_sequence'], 3);
      assert.equal(stored?.document['spiffe_refresh_hint'], 120);
    } finally {
      await serverA.close();
      await serverB.close();
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });
});
