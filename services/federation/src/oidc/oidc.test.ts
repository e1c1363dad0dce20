/**
 * The OIDC discovery provider: the discovery document, the JWKS of the local bundle's JWT keys,
 * updates on rotation, caching headers, issuer paths and HTTPS.
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openPGliteTestDatabase, type TestDatabase } from '@signet/datastore';
import { FakeClock } from '@signet/platform';
import { JwtBundle, mintJwtSvid, parseAndValidateJwtSvid, SpiffeId, TrustDomain } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { createFederationService, type FederationService } from '../app.js';
import { get } from '../testing/client.test-helper.js';
import { bundleJson, pemOf, storeBundle, testConfig, testLogger } from '../testing/fixtures.test-helper.js';
import { waitFor } from '../testing/wait.test-helper.js';
import { signingAlgorithm } from './documents.js';

const LOCAL = 'example.org';
const ISSUER = 'https://oidc.example.org';

function pair(kind: 'P-256' | 'P-384' | 'rsa'): { publicKey: KeyObject; privateKey: KeyObject } {
  return kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: kind });
}

describe('OIDC discovery provider', () => {
  let t: TestDatabase;
  let service: FederationService;
  const ca = TestCa.create(LOCAL);
  const keys = { a: pair('P-256'), b: pair('P-384'), c: pair('rsa') };

  before(async () => {
    t = await openPGliteTestDatabase();
    await storeBundle(
      t.db,
      LOCAL,
      bundleJson(LOCAL, [ca], { sequence: 1, jwt: [['kid-b', keys.b.publicKey], ['kid-a', keys.a.publicKey], ['kid-c', keys.c.publicKey]] }),
      'local',
    );
    service = createFederationService({
      db: t.db,
      trustDomain: LOCAL,
      config: testConfig({ 'bundle_endpoint.enabled': false, 'oidc.enabled': true, 'oidc.port': 0, 'oidc.issuer': ISSUER }),
      clock: new FakeClock(Date.now()),
      logger: testLogger().logger,
    });
    await service.start();
  });
  after(async () => {
    await service.close();
    await t.dispose();
  });

  const discoveryUrl = (): string => service.endpoints().oidc_discovery_url!;
  const keysUrl = (): string => discoveryUrl().replace('/.well-known/openid-configuration', '/keys');

  it('serves the discovery document for the configured issuer', async () => {
    assert.match(discoveryUrl(), /^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration$/);
    assert.equal(service.endpoints().oidc_issuer, ISSUER);
    const res = await get(discoveryUrl());
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    assert.deepEqual(JSON.parse(res.body), {
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/keys`,
      authorization_endpoint: `${ISSUER}/authorize`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'ES384', 'RS256'],
    });
  });

  it('serves the JWT-SVID signing keys of the local bundle as a JWKS', async () => {
    const res = await get(keysUrl());
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    const jwks = JSON.parse(res.body) as { keys: Record<string, string>[] };
    assert.deepEqual(
      jwks.keys.map((k) => [k['kid'], k['kty'], k['use'], k['alg']]),
      [
        ['kid-a', 'EC', 'sig', 'ES256'],
        ['kid-b', 'EC', 'sig', 'ES384'],
        ['kid-c', 'RSA', 'sig', 'RS256'],
      ],
      'JWT keys only, no X.509 authority',
    );
    for (const jwk of jwks.keys) {
      const original = keys[jwk['kid']!.slice(4) as 'a' | 'b' | 'c'].publicKey;
      assert.ok(createPublicKey({ key: jwk, format: 'jwk' }).equals(original), `${jwk['kid']} has the bundle's key`);
      assert.equal(jwk['d'], undefined, 'no private member');
    }
  });

  it('lets a relying party verify a JWT-SVID with the served keys', async () => {
    const jwks = JSON.parse((await get(keysUrl())).body) as { keys: Record<string, string>[] };
    const bundle = JwtBundle.fromKeys(
      TrustDomain.parse(LOCAL),
      jwks.keys.map((k) => [k['kid']!, createPublicKey({ key: k, format: 'jwk' })]),
    );
    const now = new Date();
    const token = mintJwtSvid({
      id: SpiffeId.parse('spiffe://example.org/app'),
      audience: ['sts.amazonaws.com'],
      key: keys.c.privateKey,
      kid: 'kid-c',
      issuer: ISSUER,
      now,
      ttlSeconds: 300,
    });
    const svid = parseAndValidateJwtSvid(token, bundle, { audience: 'sts.amazonaws.com', now });
    assert.equal(svid.id.toString(), 'spiffe://example.org/app');
  });

  it('answers HEAD, 405 to other methods, 404 to other paths (the authorization endpoint included)', async () => {
    assert.equal((await get(keysUrl(), { method: 'HEAD' })).body, '');
    assert.equal((await get(keysUrl(), { method: 'POST' })).status, 405);
    assert.equal((await get(keysUrl().replace('/keys', '/authorize'))).status, 404);
    assert.equal((await get(keysUrl().replace('/keys', '/'))).status, 404);
  });

  it('updates the keys and algorithms when the bundle changes', async () => {
    const d = pair('P-256');
    await storeBundle(t.db, LOCAL, bundleJson(LOCAL, [ca], { sequence: 2, jwt: [['kid-a', keys.a.publicKey], ['kid-d', d.publicKey]] }), 'local');
    const kids = await waitFor(async () => {
      const jwks = JSON.parse((await get(keysUrl())).body) as { keys: { kid: string }[] };
      const ids = jwks.keys.map((k) => k.kid);
      return ids.includes('kid-d') ? ids : undefined;
    }, 'the rotated JWKS');
    assert.deepEqual(kids, ['kid-a', 'kid-d'], 'new key in, removed keys out');
    const config = JSON.parse((await get(discoveryUrl())).body) as { id_token_signing_alg_values_supported: string[] };
    assert.deepEqual(config.id_token_signing_alg_values_supported, ['ES256']);
  });
});

describe('OIDC discovery provider: issuer and transport', () => {
  let t: TestDatabase;
  let dir: string;
  const ca = TestCa.create(LOCAL);
  const services: FederationService[] = [];
  before(async () => {
    t = await openPGliteTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'signet-federation-oidc-'));
    await storeBundle(t.db, LOCAL, bundleJson(LOCAL, [ca], { sequence: 1, jwt: [['k', pair('P-256').publicKey]] }), 'local');
  });
  after(async () => {
    await Promise.all(services.map((s) => s.close()));
    await t.dispose();
    await rm(dir, { recursive: true, force: true });
  });
  async function start(overrides: Record<string, unknown>): Promise<FederationService> {
    const service = createFederationService({
      db: t.db,
      trustDomain: LOCAL,
      config: testConfig({ 'bundle_endpoint.enabled': false, 'oidc.enabled': true, 'oidc.port': 0, ...overrides }),
      logger: testLogger().logger,
      followEvents: false,
    });
    await service.start();
    services.push(service);
    return service;
  }

  it('defaults the issuer to its own URL', async () => {
    const service = await start({ 'oidc.max_age': '1m' });
    const { oidc_discovery_url, oidc_issuer } = service.endpoints();
    assert.equal(oidc_discovery_url, `${oidc_issuer}/.well-known/openid-configuration`);
    const res = await get(oidc_discovery_url!);
    assert.equal(res.headers['cache-control'], 'public, max-age=60');
    const doc = JSON.parse(res.body) as { issuer: string; jwks_uri: string };
    assert.equal(doc.issuer, oidc_issuer);
    assert.equal((await get(doc.jwks_uri)).status, 200, 'jwks_uri works as published');
  });

  it('serves under the issuer\'s path, and keeps the issuer verbatim', async () => {
    const service = await start({ 'oidc.issuer': 'https://idp.example.org/tenants/a/' });
    const url = service.endpoints().oidc_discovery_url!;
    assert.match(url, /\/tenants\/a\/\.well-known\/openid-configuration$/);
    const doc = JSON.parse((await get(url)).body) as { issuer: string; jwks_uri: string };
    assert.equal(doc.issuer, 'https://idp.example.org/tenants/a/', 'exactly the iss of the JWT-SVIDs');
    assert.equal(doc.jwks_uri, 'https://idp.example.org/tenants/a/keys');
    const base = url.slice(0, url.indexOf('/tenants'));
    assert.equal((await get(`${base}/tenants/a/keys`)).status, 200);
    assert.equal((await get(`${base}/.well-known/openid-configuration`)).status, 200, 'also without the prefix (a proxy may strip it)');
  });

  it('serves HTTPS with certificate files', async () => {
    const webCa = TestCa.create('web.test');
    const leaf = webCa.issueCertificate({ uris: [], dnsNames: ['localhost'] });
    await writeFile(join(dir, 'oidc.crt'), pemOf(leaf.chain));
    await writeFile(join(dir, 'oidc.key'), leaf.privateKey!.export({ format: 'pem', type: 'pkcs8' }));
    const service = await start({ 'oidc.cert_file': join(dir, 'oidc.crt'), 'oidc.key_file': join(dir, 'oidc.key') });
    const url = service.endpoints().oidc_discovery_url!.replace('127.0.0.1', 'localhost');
    assert.match(url, /^https:/);
    const res = await get(url, { ca: pemOf([webCa.certificate]) });
    assert.equal(res.status, 200);
  });
});

describe('signingAlgorithm', () => {
  it('names the JWS algorithm the CA signs with for each key type', () => {
    assert.equal(signingAlgorithm(pair('P-256').publicKey), 'ES256');
    assert.equal(signingAlgorithm(pair('P-384').publicKey), 'ES384');
    assert.equal(signingAlgorithm(generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey), 'ES512');
    assert.equal(signingAlgorithm(pair('rsa').publicKey), 'RS256');
    assert.equal(signingAlgorithm(generateKeyPairSync('ed25519').publicKey), undefined);
  });
});
