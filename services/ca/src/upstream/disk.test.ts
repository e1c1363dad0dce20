import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getBundle, latestRevision, readEvents, resetDatastore, type TestDatabase } from '@signet/datastore';
import { ApiError, FAKE_CLOCK_START } from '@signet/platform';
import { createIntermediateCa, createSelfSignedCa, SpiffeBundle, TrustDomain, verifyX509Svid } from '@signet/spiffe';
import { testEngines } from '../testing/engines.test-helper.js';
import { HOUR, TD } from '../testing/manager.test-helper.js';
import { CALLERS, newCsr, signerHarness } from '../testing/signer.test-helper.js';
import { certificatesToPem, isSelfSigned } from './certificates.js';
import { DiskUpstreamAuthority } from './disk.js';
import { createUpstreamAuthority } from './registry.js';

// Probe the engines before declaring any hook or test: the root test must not finish while this awaits.
const engines = await testEngines('disk upstream');
const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const now = new Date(FAKE_CLOCK_START);
const UPSTREAM_TD = TrustDomain.parse('upstream.example.org');

function ecKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}
function keyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }) as string;
}

/** An upstream PKI: a root (10 days) and an intermediate under it (5 days). */
const rootKey = ecKey();
const root = createSelfSignedCa({ trustDomain: UPSTREAM_TD, privateKey: rootKey, now, ttlSeconds: 10 * 86_400 });
const interKey = ecKey();
const inter = createIntermediateCa({
  trustDomain: UPSTREAM_TD,
  publicKey: interKey,
  parentCertificate: root,
  parentPrivateKey: rootKey,
  now,
  ttlSeconds: 5 * 86_400,
});

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-ca-upstream-'));
  await writeFile(join(dir, 'root.pem'), certificatesToPem([root]));
  await writeFile(join(dir, 'root.key'), keyPem(rootKey), { mode: 0o600 });
  await writeFile(join(dir, 'inter-and-root.pem'), certificatesToPem([inter, root]));
  await writeFile(join(dir, 'inter.pem'), certificatesToPem([inter]));
  await writeFile(join(dir, 'inter.key'), keyPem(interKey), { mode: 0o600 });
  await writeFile(join(dir, 'other.key'), keyPem(ecKey()), { mode: 0o600 });
  await writeFile(join(dir, 'other-root.pem'), certificatesToPem([createSelfSignedCa({ trustDomain: UPSTREAM_TD, privateKey: ecKey(), now })]));
});
after(async () => rm(dir, { recursive: true, force: true }));

function openssl(...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('disk upstream authority: configuration', () => {
  it('refuses a certificate that does not chain to the given roots', async () => {
    const upstream = new DiskUpstreamAuthority({ certFile: join(dir, 'inter.pem'), keyFile: join(dir, 'inter.key'), bundleFile: join(dir, 'other-root.pem') });
    await assert.rejects(upstream.check(), /does not chain to a root/);
  });
  it('refuses an intermediate without any root', async () => {
    const upstream = new DiskUpstreamAuthority({ certFile: join(dir, 'inter.pem'), keyFile: join(dir, 'inter.key') });
    await assert.rejects(upstream.check(), /no root certificate/);
  });
  it('refuses a key that does not match the certificate when minting', async () => {
    const upstream = new DiskUpstreamAuthority({ certFile: join(dir, 'root.pem'), keyFile: join(dir, 'other.key') });
    await upstream.check();
    await assert.rejects(upstream.mintX509Ca({ csr: newCsr().csr, trustDomain: TD, ttlSeconds: 3600, now }), /does not match/);
  });
  it('needs the disk settings when configured', async () => {
    await assert.rejects(createUpstreamAuthority({ type: 'disk' }), /ca\.upstream\.disk is required/);
    assert.equal(await createUpstreamAuthority({ type: 'self-signed' }), undefined);
  });
});

for (const engine of engines) {
  describe(`disk upstream authority on ${engine.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await engine.open();
    });
    after(async () => t.dispose());
    beforeEach(async () => resetDatastore(t.db));

    const setups: [string, { cert: string; key: string; bundle?: string }, number][] = [
      ['the upstream is a root', { cert: 'root.pem', key: 'root.key' }, 0],
      ['the upstream is an intermediate followed by its root', { cert: 'inter-and-root.pem', key: 'inter.key' }, 1],
      ['the upstream is an intermediate, its root in bundle_file', { cert: 'inter.pem', key: 'inter.key', bundle: 'root.pem' }, 1],
    ];
    for (const [name, files, upstreamIntermediates] of setups) {
      it(`signs leaves that chain to the upstream root when ${name}`, async () => {
        const upstream = await createUpstreamAuthority({
          type: 'disk',
          disk: { cert_file: join(dir, files.cert), key_file: join(dir, files.key), bundle_file: files.bundle === undefined ? undefined : join(dir, files.bundle) },
        });
        const h = await signerHarness(t.db, { upstream: upstream! });
        const authority = h.manager.activeX509().authority;
        assert.ok(!isSelfSigned(authority.certificate!), "Signet's CA is an intermediate");
        const stored = await getBundle(t.db, TD.name);
        const bundle = SpiffeBundle.parse(TD, JSON.stringify(stored!.document));
        assert.deepEqual(bundle.x509Authorities().map((d) => Buffer.from(d)), [Buffer.from(root)], 'the bundle carries the upstream root only');

        const svid = await h.signer.signX509Svid(CALLERS.admin, { csr: newCsr().csr, spiffeId: 'spiffe://example.org/web' });
        assert.equal(svid.certChain.length, 2 + upstreamIntermediates, 'leaf, Signet CA, upstream intermediates; never the root');
        assert.ok(svid.certChain.every((der) => !isSelfSigned(der)));
        assert.equal(verifyX509Svid(svid.certChain, bundle, { now: h.clock.now() }).id.toString(), 'spiffe://example.org/web');

        if (hasOpenssl) {
          await writeFile(join(dir, 'leaf.pem'), certificatesToPem([svid.certChain[0]!]));
          await writeFile(join(dir, 'chain.pem'), certificatesToPem(svid.certChain.slice(1)));
          const attime = String(Math.floor(h.clock.nowMs() / 1000));
          const ok = openssl('verify', '-attime', attime, '-purpose', 'sslclient', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'leaf.pem');
          assert.ok(ok.ok, ok.out);
          const withoutRoot = openssl('verify', '-attime', attime, '-CAfile', 'chain.pem', 'leaf.pem');
          assert.ok(!withoutRoot.ok, 'the intermediates alone are not trusted');
        }
      });
    }

    it('keeps the bundle unchanged through rotations under the same root, and refuses to revoke an intermediate', async () => {
      const upstream = new DiskUpstreamAuthority({ certFile: join(dir, 'root.pem'), keyFile: join(dir, 'root.key') });
      const h = await signerHarness(t.db, { upstream });
      const first = h.manager.activeX509().authority;
      const revision = await latestRevision(t.db);
      h.clock.advanceTo(FAKE_CLOCK_START + 20 * HOUR * 1000);
      await h.manager.tick();
      assert.notEqual(h.manager.activeX509().authority.id, first.id, 'rotated');
      const kinds = (await readEvents(t.db, { afterRevision: revision })).events.map((e) => e.kind);
      assert.equal(kinds.filter((k) => k === 'bundle.updated').length, 1, 'one bundle update (for the JWT key)');
      const bundle = SpiffeBundle.parse(TD, JSON.stringify((await getBundle(t.db, TD.name))!.document));
      assert.deepEqual(bundle.x509Authorities().map((d) => Buffer.from(d)), [Buffer.from(root)], 'still the upstream root only');
      assert.equal(bundle.jwtAuthorities().size, 2);
      await h.manager.taint('x509', first.id);
      await assert.rejects(h.manager.revoke('x509', first.id), (err: unknown) => err instanceof ApiError && err.apiCode === 'failed_precondition' && /upstream/.test(err.message));
    });

    it('never lets an intermediate outlive the upstream certificate', async () => {
      const upstream = new DiskUpstreamAuthority({ certFile: join(dir, 'inter.pem'), keyFile: join(dir, 'inter.key'), bundleFile: join(dir, 'root.pem') });
      const h = await signerHarness(t.db, { upstream, caTtlSeconds: 30 * 86_400 });
      const authority = h.manager.activeX509().authority;
      assert.equal(authority.notAfter.getTime(), new Date(new X509Certificate(inter).validTo).getTime());
    });
  });
}
