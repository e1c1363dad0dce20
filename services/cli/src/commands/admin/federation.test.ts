/**
 * `signet federation ...` against the real registrar (PGlite behind) on an admin Unix socket.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getBundle, readEvents, recordFederationFailure, recordFederationSuccess } from '@signet/datastore';
import { SpiffeBundle, TrustDomain } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { startAdminTestServer, TEST_DEFAULT_PAGE_SIZE, type AdminTestServer } from './test-server.test-helper.js';

interface RelationshipJson {
  trust_domain: string;
  bundle_endpoint_url: string;
  bundle_endpoint_profile: string;
  endpoint_spiffe_id: string;
  trusted_by_all: boolean;
  health: {
    last_attempt_at: string;
    last_success_at: string;
    last_error: string;
    sequence_number: string;
    bundle_age_seconds: string;
    stale: boolean;
    next_refresh_at: string;
  };
  created_at: string;
  updated_at: string;
}

describe('signet federation', () => {
  let t: AdminTestServer;
  before(async () => {
    t = await startAdminTestServer();
  });
  after(() => t.close());

  /** Writes the SPIFFE bundle document (and PEM) of a new test CA for `td`; returns both paths. */
  async function bundleFiles(td: string): Promise<{ json: string; pem: string }> {
    const ca = TestCa.create(td);
    const json = join(t.scratch, `${td}.json`);
    const pem = join(t.scratch, `${td}.pem`);
    await writeFile(json, SpiffeBundle.fromX509AndJwt(ca.x509Bundle(), SpiffeBundle.empty(TrustDomain.parse(td)).jwtBundle(), { sequenceNumber: 5n }).toJson());
    await writeFile(pem, ca.x509Bundle().toPem());
    return { json, pem };
  }

  const webFlags = (td: string): string[] => ['--trust-domain', td, '--bundle-endpoint-url', `https://${td}/bundle`, '--bundle-endpoint-profile', 'https_web'];

  it('creates an https_web relationship and shows it with its health', async () => {
    const created = await t.run(['federation', 'create', ...webFlags('web.example'), '--trusted-by-all']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^Federation relationship with web\.example created\.\nTrust domain: +web\.example\n/);
    assert.match(created.stdout, /\nTrusted by all: +yes\n/);
    assert.doesNotMatch(created.stdout, /Endpoint SPIFFE ID/);
    const shown = await t.run(['federation', 'show', '--trust-domain', 'web.example']);
    assert.equal(shown.code, 0, shown.stderr);
    for (const line of [/^Bundle endpoint URL: +https:\/\/web\.example\/bundle$/m, /^Endpoint profile: +https_web$/m, /^Last refresh: +never$/m, /^Last error: +none$/m, /^Bundle age: +no bundle$/m, /^Stale: +no$/m]) {
      assert.match(shown.stdout, line);
    }
  });

  it('creates an https_spiffe relationship with a bootstrap bundle file, recognising PEM, and prints JSON', async () => {
    const files = await bundleFiles('spiffe.example');
    const r = await t.run([
      'federation', 'create', '--trust-domain', 'spiffe.example', '--bundle-endpoint-url', 'https://spiffe.example:8443',
      '--bundle-endpoint-profile', 'https_spiffe', '--endpoint-spiffe-id', 'spiffe://spiffe.example/spire/server',
      '--trust-domain-bundle-path', files.json, '--output', 'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as RelationshipJson;
    assert.deepEqual([json.trust_domain, json.bundle_endpoint_profile, json.endpoint_spiffe_id, json.trusted_by_all], ['spiffe.example', 'https_spiffe', 'spiffe://spiffe.example/spire/server', false]);
    assert.deepEqual([json.health.sequence_number, json.health.last_success_at, json.health.stale], ['5', '0', false]);
    assert.match(json.created_at, /^\d+$/);
    assert.equal((await getBundle(t.db, 'spiffe.example'))?.source, 'federated');

    const pemFiles = await bundleFiles('pem.example');
    const pem = await t.run(['federation', 'create', ...webFlags('pem.example'), '--trust-domain-bundle-path', pemFiles.pem, '-o', 'json']);
    assert.equal(pem.code, 0, pem.stderr);
    assert.equal(JSON.parse(pem.stdout).health.bundle_age_seconds, '0');
    assert.equal((await getBundle(t.db, 'pem.example'))?.source, 'federated');
  });

  it('shows the fetch health the federation service recorded: last refresh, last error, bundle age, staleness', async () => {
    assert.equal((await t.run(['federation', 'create', ...webFlags('health.example')])).code, 0);
    const fetched = new Date(Date.now() - 3_600_000);
    await recordFederationSuccess(t.db, { trustDomain: 'health.example', sequenceNumber: 42n, refreshHintSeconds: 300, nextRefreshAt: new Date(fetched.getTime() + 300_000) }, fetched);
    await recordFederationFailure(t.db, { trustDomain: 'health.example', error: 'GET https://health.example/bundle: 503', nextRefreshAt: new Date(Date.now() + 60_000) }, new Date());
    const shown = await t.run(['federation', 'show', '--trust-domain', 'health.example']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^Last refresh: +${fetched.toISOString().slice(0, 19)}Z$`, 'm'));
    assert.match(shown.stdout, /^Last error: +GET https:\/\/health\.example\/bundle: 503$/m);
    assert.match(shown.stdout, /^Bundle sequence: +42$/m);
    assert.match(shown.stdout, /^Bundle age: +1h(\d+s)?$/m);
    assert.match(shown.stdout, /^Stale: +yes$/m);
    const json = JSON.parse((await t.run(['federation', 'show', '--trust-domain', 'health.example', '-o', 'json'])).stdout) as RelationshipJson;
    assert.equal(json.health.stale, true);
    assert.equal(json.health.last_error, 'GET https://health.example/bundle: 503');
    assert.ok(Number(json.health.bundle_age_seconds) >= 3600);
  });

  it('lists every relationship across pages as a table, and one page with --page-size', async () => {
    for (const td of ['l1.example', 'l2.example', 'l3.example', 'l4.example']) assert.equal((await t.run(['federation', 'create', ...webFlags(td)])).code, 0);
    const r = await t.run(['federation', 'list']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^TRUST DOMAIN\s+PROFILE\s+BUNDLE ENDPOINT URL\s+TRUSTED BY ALL\s+LAST REFRESH\s+BUNDLE AGE\s+STALE$/);
    assert.ok(rows.length > TEST_DEFAULT_PAGE_SIZE, 'more rows than one default page');
    assert.match(r.stdout, /^l3\.example\s+https_web\s+https:\/\/l3\.example\/bundle\s+no\s+never\s+no bundle\s+no$/m);
    const json = JSON.parse((await t.run(['federation', 'list', '-o', 'json'])).stdout) as { relationships: RelationshipJson[]; next_page_token: string };
    const names = json.relationships.map((x) => x.trust_domain);
    assert.deepEqual(names, [...names].sort());
    assert.ok(['l1.example', 'l2.example', 'l3.example', 'l4.example'].every((td) => names.includes(td)));
    assert.equal(json.next_page_token, '');
    const one = await t.run(['federation', 'list', '--page-size', '1']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /\nNext page token: \S+\n$/);
  });

  it('updates the given fields only, and clears trusted-by-all with --no-trusted-by-all', async () => {
    assert.equal((await t.run(['federation', 'create', ...webFlags('upd.example'), '--trusted-by-all'])).code, 0);
    const r = await t.run(['federation', 'update', '--trust-domain', 'upd.example', '--bundle-endpoint-url', 'https://bundles.upd.example/v2', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const updated = JSON.parse(r.stdout) as RelationshipJson;
    assert.deepEqual([updated.bundle_endpoint_url, updated.trusted_by_all], ['https://bundles.upd.example/v2', true]);
    const cleared = await t.run(['federation', 'update', '--trust-domain', 'upd.example', '--no-trusted-by-all']);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.match(cleared.stdout, /^Federation relationship with upd\.example updated\.\n/);
    assert.match(cleared.stdout, /^Trusted by all: +no$/m);
    assert.match(cleared.stdout, /^Bundle endpoint URL: +https:\/\/bundles\.upd\.example\/v2$/m);
  });

  it('refreshes and deletes a relationship', async () => {
    const files = await bundleFiles('gone.example');
    assert.equal((await t.run(['federation', 'create', ...webFlags('gone.example'), '--trust-domain-bundle-path', files.json])).code, 0);
    const refreshed = await t.run(['federation', 'refresh', '--trust-domain', 'gone.example']);
    assert.deepEqual([refreshed.code, refreshed.stdout], [0, 'Refresh of the bundle of gone.example requested.\n']);
    const { events } = await readEvents(t.db, { afterRevision: 0, limit: 10_000 });
    assert.deepEqual([events.at(-1)?.kind, events.at(-1)?.subject], ['federation_relationship.refresh_requested', 'gone.example']);
    const deleted = await t.run(['federation', 'delete', '--trust-domain', 'gone.example']);
    assert.deepEqual([deleted.code, deleted.stdout], [0, 'Federation relationship with gone.example deleted.\n']);
    assert.equal(await getBundle(t.db, 'gone.example'), undefined);
    const json = await t.run(['federation', 'delete', '--trust-domain', 'gone.example', '-o', 'json']);
    assert.equal(json.code, 1);
    assert.equal(json.stderr, 'signet: error: trust_domain: no federation relationship for "gone.example" (NotFound)\n');
  });

  const bad: Array<{ name: string; argv: string[]; code: number; stderr: RegExp }> = [
    { name: 'a create without --trust-domain', argv: ['federation', 'create', '--bundle-endpoint-url', 'https://x.example', '--bundle-endpoint-profile', 'https_web'], code: 2, stderr: /--trust-domain is required/ },
    { name: 'a create without --bundle-endpoint-url', argv: ['federation', 'create', '--trust-domain', 'x.example', '--bundle-endpoint-profile', 'https_web'], code: 2, stderr: /--bundle-endpoint-url is required/ },
    { name: 'a create without --bundle-endpoint-profile', argv: ['federation', 'create', '--trust-domain', 'x.example', '--bundle-endpoint-url', 'https://x.example'], code: 2, stderr: /--bundle-endpoint-profile is required/ },
    { name: 'an unknown profile', argv: ['federation', 'create', ...webFlags('x.example').slice(0, 4), '--bundle-endpoint-profile', 'web'], code: 2, stderr: /--bundle-endpoint-profile must be one of https_web, https_spiffe \(got "web"\)/ },
    {
      name: 'https_spiffe without --endpoint-spiffe-id',
      argv: ['federation', 'create', ...webFlags('x.example').slice(0, 4), '--bundle-endpoint-profile', 'https_spiffe', '--trust-domain-bundle-path', 'b.json'],
      code: 2,
      stderr: /--endpoint-spiffe-id is required with --bundle-endpoint-profile https_spiffe/,
    },
    {
      name: 'https_spiffe without a bundle',
      argv: ['federation', 'create', ...webFlags('x.example').slice(0, 4), '--bundle-endpoint-profile', 'https_spiffe', '--endpoint-spiffe-id', 'spiffe://x.example/s'],
      code: 2,
      stderr: /--trust-domain-bundle-path is required with --bundle-endpoint-profile https_spiffe/,
    },
    { name: 'an unknown bundle format', argv: ['federation', 'create', ...webFlags('x.example'), '--trust-domain-bundle-path', 'b.json', '--trust-domain-bundle-format', 'der'], code: 2, stderr: /--trust-domain-bundle-format must be one of spiffe, pem/ },
    { name: 'a boolean flag given a value', argv: ['federation', 'create', ...webFlags('x.example'), '--trusted-by-all=false'], code: 2, stderr: /--trusted-by-all/ },
    { name: 'an update without changes', argv: ['federation', 'update', '--trust-domain', 'x.example'], code: 2, stderr: /nothing to change/ },
    { name: 'an update with both trusted-by-all flags', argv: ['federation', 'update', '--trust-domain', 'x.example', '--trusted-by-all', '--no-trusted-by-all'], code: 2, stderr: /are exclusive/ },
    { name: 'a show without --trust-domain', argv: ['federation', 'show'], code: 2, stderr: /--trust-domain is required/ },
    { name: 'a delete without --trust-domain', argv: ['federation', 'delete'], code: 2, stderr: /--trust-domain is required/ },
    { name: 'a refresh without --trust-domain', argv: ['federation', 'refresh'], code: 2, stderr: /--trust-domain is required/ },
    { name: 'a bad --page-size', argv: ['federation', 'list', '--page-size', '0'], code: 2, stderr: /--page-size must be a whole number from 1 to 1000/ },
    {
      name: 'an http:// bundle endpoint (by the server)',
      argv: ['federation', 'create', '--trust-domain', 'x.example', '--bundle-endpoint-url', 'http://x.example/bundle', '--bundle-endpoint-profile', 'https_web'],
      code: 1,
      stderr: /^signet: error: relationship\.bundle_endpoint_url: must be an https:\/\/ URL .* \(InvalidArgument\)\n$/,
    },
    {
      name: 'our own trust domain (by the server)',
      argv: ['federation', 'create', ...webFlags('example.org')],
      code: 1,
      stderr: /^signet: error: relationship\.trust_domain: "example\.org" is this server's own trust domain.* \(InvalidArgument\)\n$/,
    },
    { name: 'an unknown relationship', argv: ['federation', 'show', '--trust-domain', 'nobody.example'], code: 1, stderr: /^signet: error: trust_domain: no federation relationship for "nobody\.example" \(NotFound\)\n$/ },
    { name: 'a missing bundle file', argv: ['federation', 'create', ...webFlags('x.example'), '--trust-domain-bundle-path', '/nonexistent/b.json'], code: 1, stderr: /^signet: error: --trust-domain-bundle-path: cannot read \/nonexistent\/b\.json: / },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}`, async () => {
      const r = await t.run(c.argv);
      assert.equal(r.code, c.code, r.stderr);
      assert.match(r.stderr, c.stderr);
    });
  }

  it('refuses a second relationship for a trust domain (AlreadyExists)', async () => {
    assert.equal((await t.run(['federation', 'create', ...webFlags('dup.example')])).code, 0);
    const r = await t.run(['federation', 'create', ...webFlags('dup.example')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^signet: error: relationship\.trust_domain: a federation relationship for "dup\.example" already exists.* \(AlreadyExists\)\n$/);
  });
});
