/**
 * `signet bundle ...` and `signet healthcheck` against the real registrar and CA (PGlite behind)
 * on an admin Unix socket.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SpiffeBundle, TrustDomain, X509Bundle } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { startAdminTestServer, TEST_TRUST_DOMAIN, type AdminTestServer } from './test-server.test-helper.js';

const PEM_CERT = /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/;

describe('signet bundle and signet healthcheck', () => {
  let t: AdminTestServer;
  before(async () => {
    t = await startAdminTestServer();
  });
  after(() => t.close());

  it('shows the local bundle as PEM (the default) and as a SPIFFE bundle document', async () => {
    const pem = await t.run(['bundle', 'show']);
    assert.equal(pem.code, 0, pem.stderr);
    assert.equal(X509Bundle.parsePem(TrustDomain.parse(TEST_TRUST_DOMAIN), pem.stdout).x509Authorities().length, 1);
    const spiffe = await t.run(['bundle', 'show', '--format', 'spiffe']);
    assert.equal(spiffe.code, 0, spiffe.stderr);
    const parsed = SpiffeBundle.parse(TrustDomain.parse(TEST_TRUST_DOMAIN), spiffe.stdout);
    assert.equal(parsed.x509Authorities().length, 1);
    assert.equal(parsed.jwtAuthorities().size, 1);
  });

  it('prints the BundleDocument message as JSON with PEM certificates and keys and int64 as strings', async () => {
    const r = await t.run(['bundle', 'show', '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      bundle: { trust_domain: string; x509_authorities: string[]; jwt_authorities: { key_id: string; public_key: string; expires_at: string }[]; sequence_number: string };
      spiffe_json: string;
      x509_pem: string;
    };
    assert.equal(doc.bundle.trust_domain, TEST_TRUST_DOMAIN);
    assert.match(doc.bundle.x509_authorities[0] ?? '', PEM_CERT);
    assert.match(doc.bundle.jwt_authorities[0]?.public_key ?? '', /^-----BEGIN PUBLIC KEY-----\n/);
    assert.match(doc.bundle.jwt_authorities[0]?.expires_at ?? '', /^\d+$/);
    assert.match(doc.bundle.sequence_number, /^\d+$/);
    assert.equal(doc.x509_pem, doc.bundle.x509_authorities.join(''));
  });

  it('sets, lists, shows and deletes federated bundles', async () => {
    const partner = TestCa.create('partner.example');
    const pemFile = join(t.scratch, 'partner.pem');
    await writeFile(pemFile, partner.x509Bundle().toPem());
    const set = await t.run(['bundle', 'set', '--id', 'partner.example', '--path', pemFile]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^Bundle of partner\.example set: 1 X\.509 authorities, 0 JWT keys, sequence \d+\.\n$/);

    const other = TestCa.create('other.example');
    const jsonFile = join(t.scratch, 'other.json');
    await writeFile(jsonFile, SpiffeBundle.fromX509AndJwt(other.x509Bundle(), SpiffeBundle.empty(TrustDomain.parse('other.example')).jwtBundle()).toJson());
    const setJson = await t.run(['bundle', 'set', '--id', 'other.example', '--path', jsonFile, '--format', 'spiffe', '-o', 'json']);
    assert.equal(setJson.code, 0, setJson.stderr);
    assert.equal(JSON.parse(setJson.stdout).bundle.trust_domain, 'other.example');

    const list = await t.run(['bundle', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^# other\.example\n-----BEGIN CERTIFICATE-----/m);
    assert.match(list.stdout, /^# partner\.example\n-----BEGIN CERTIFICATE-----/m);
    const listJson = JSON.parse((await t.run(['bundle', 'list', '-o', 'json'])).stdout) as { bundles: { bundle: { trust_domain: string } }[] };
    assert.deepEqual(listJson.bundles.map((b) => b.bundle.trust_domain).sort(), ['other.example', 'partner.example']);

    const one = await t.run(['bundle', 'list', '--id', 'partner.example']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(X509Bundle.parsePem(TrustDomain.parse('partner.example'), one.stdout).equals(partner.x509Bundle()), true);

    for (const td of ['partner.example', 'other.example']) {
      const del = await t.run(['bundle', 'delete', '--id', td]);
      assert.deepEqual([del.code, del.stdout], [0, `Bundle of ${td} deleted.\n`]);
    }
    assert.equal((await t.run(['bundle', 'list'])).stdout, 'No federated bundles.\n');
  });

  const bad: Array<{ name: string; argv: string[]; code: number; stderr: RegExp }> = [
    { name: 'an unknown format', argv: ['bundle', 'show', '--format', 'der'], code: 2, stderr: /--format must be one of pem, spiffe \(got "der"\)/ },
    { name: 'a set without --path', argv: ['bundle', 'set', '--id', 'partner.example'], code: 2, stderr: /--path is required/ },
    { name: 'a set without --id', argv: ['bundle', 'set', '--path', 'x.pem'], code: 2, stderr: /--id is required/ },
    { name: 'a delete of an unknown bundle', argv: ['bundle', 'delete', '--id', 'nobody.example'], code: 1, stderr: /^signet: error: trust_domain: no federated bundle for "nobody\.example" \(NotFound\)\n$/ },
    { name: 'a show of an unknown bundle', argv: ['bundle', 'list', '--id', 'nobody.example'], code: 1, stderr: /\(NotFound\)/ },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}`, async () => {
      const r = await t.run(c.argv);
      assert.equal(r.code, c.code, r.stderr);
      assert.match(r.stderr, c.stderr);
    });
  }

  it('refuses a bundle file that is not PEM, naming the field', async () => {
    const file = join(t.scratch, 'garbage.pem');
    await writeFile(file, 'not a bundle');
    const r = await t.run(['bundle', 'set', '--id', 'partner.example', '--path', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^signet: error: document: .* \(InvalidArgument\)\n$/);
  });

  describe('signet healthcheck', () => {
    let http: Server;
    let readyStatus = 200;
    before(async () => {
      http = createServer((_req, res) => res.writeHead(readyStatus).end());
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    });
    after(() => new Promise<void>((resolve) => http.close(() => resolve())));

    it('reports a healthy server after an admin call, as a line and as JSON', async () => {
      const r = await t.run(['healthcheck']);
      assert.deepEqual([r.code, r.stderr], [0, '']);
      assert.match(r.stdout, /^healthy: admin API ok \(local bundle of example\.org, sequence \d+\)\n$/);
      const json = await t.run(['healthcheck', '-o', 'json']);
      assert.deepEqual(JSON.parse(json.stdout), {
        healthy: true,
        socket: t.socketPath,
        checks: [{ name: 'admin_api', ok: true, detail: JSON.parse(json.stdout).checks[0].detail }],
      });
    });

    it('checks only that the socket connects with --shallow', async () => {
      const r = await t.run(['healthcheck', '--shallow']);
      assert.deepEqual([r.code, r.stdout], [0, `healthy: socket ok (${t.socketPath} accepts connections)\n`]);
    });

    it("also asks the server's readiness endpoint named in endpoints.json", async () => {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/healthz/ready`;
      await writeFile(join(t.scratch, 'endpoints.json'), JSON.stringify({ admin_socket: t.socketPath, health: { live: url, ready: url } }));
      readyStatus = 200;
      const ok = await t.run(['healthcheck', '--data-dir', t.scratch]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /; ready ok \(http:\/\/127\.0\.0\.1:\d+\/healthz\/ready answered 200\)\n$/);
      readyStatus = 503;
      const down = await t.run(['healthcheck', '--data-dir', t.scratch]);
      assert.equal(down.code, 1);
      assert.match(down.stderr, /^signet: error: unhealthy: http:\/\/127\.0\.0\.1:\d+\/healthz\/ready answered 503\n$/);
    });
  });
});
