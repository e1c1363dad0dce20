/**
 * The CA's admin commands (`signet x509 mint`, `signet jwt mint`, `signet authority ...`) against
 * the real CA and registrar (PGlite behind) on an admin Unix socket.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAndValidateJwtSvid, SpiffeBundle, TrustDomain, verifyX509Svid, X509Bundle, X509Svid } from '@signet/spiffe';
import { startAdminTestServer, TEST_TRUST_DOMAIN, type AdminTestServer } from './test-server.test-helper.js';

const TD = TrustDomain.parse(TEST_TRUST_DOMAIN);

interface AuthorityJson {
  id: string;
  kind: string;
  state: string;
  certificate: string;
  public_key: string;
  not_after: string;
}

describe('signet x509, jwt and authority', () => {
  let t: AdminTestServer;
  before(async () => {
    t = await startAdminTestServer();
  });
  after(() => t.close());

  describe('x509 mint', () => {
    it('writes svid.pem, key.pem (mode 0600) and bundle.pem, and the SVID verifies against the bundle', async () => {
      const dir = join(t.scratch, 'certs');
      const r = await t.run(['x509', 'mint', '--spiffe-id', 'spiffe://example.org/web', '--dns', 'web.example.org', '--ttl', '10m', '--write', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Wrote the SVID chain to .*svid\.pem, the private key to .*key\.pem and the bundle to .*bundle\.pem\.\n$/);
      assert.doesNotMatch(r.stdout, /PRIVATE KEY/);
      assert.equal((await stat(join(dir, 'key.pem'))).mode & 0o777, 0o600);
      const [certs, key, roots] = await Promise.all(['svid.pem', 'key.pem', 'bundle.pem'].map((f) => readFile(join(dir, f), 'utf8')));
      const svid = X509Svid.parse(certs!, key!);
      assert.equal(svid.id.toString(), 'spiffe://example.org/web');
      const verified = verifyX509Svid(svid.certificates, X509Bundle.parsePem(TD, roots!));
      assert.equal(verified.id.toString(), 'spiffe://example.org/web');
      assert.deepEqual(svid.leaf.dnsNames, ['web.example.org']);
      const lifetime = svid.leaf.notAfter.getTime() - Date.now();
      assert.ok(lifetime > 0 && lifetime <= 600_000, String(lifetime));
      const again = await t.run(['x509', 'mint', '--spiffe-id', 'spiffe://example.org/web', '--write', dir]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal((await stat(join(dir, 'key.pem'))).mode & 0o777, 0o600);
      assert.notEqual(await readFile(join(dir, 'key.pem'), 'utf8'), key);
    });

    it('prints the chain, the key and the bundle as PEM, and as JSON with int64 as strings', async () => {
      const r = await t.run(['x509', 'mint', '--spiffe-id', 'spiffe://example.org/ops']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^SPIFFE ID:\s+spiffe:\/\/example\.org\/ops\n/);
      const section = (from: string, to?: string) => r.stdout.slice(r.stdout.indexOf(from), to === undefined ? undefined : r.stdout.indexOf(to));
      const svid = X509Svid.parse(section('# X.509-SVID chain', '# Private key'), section('# Private key', '# Trust bundle'));
      assert.equal(verifyX509Svid(svid.certificates, X509Bundle.parsePem(TD, section('# Trust bundle'))).id.toString(), 'spiffe://example.org/ops');
      const json = await t.run(['x509', 'mint', '--spiffe-id', 'spiffe://example.org/ops', '--key-type', 'ec-p384', '-o', 'json']);
      assert.equal(json.code, 0, json.stderr);
      const res = JSON.parse(json.stdout) as { cert_chain: string[]; expires_at: string; serial_number: string; authority_id: string; private_key: string; bundle: string };
      assert.match(res.expires_at, /^\d+$/);
      assert.match(res.cert_chain[0] ?? '', /^-----BEGIN CERTIFICATE-----\n/);
      assert.equal(createPrivateKey(res.private_key).asymmetricKeyDetails?.namedCurve, 'secp384r1');
      const minted = X509Svid.parse(res.cert_chain.join(''), res.private_key);
      assert.equal(verifyX509Svid(minted.certificates, X509Bundle.parsePem(TD, res.bundle)).id.toString(), 'spiffe://example.org/ops');
    });

    it('mints with an RSA key', async () => {
      const dir = join(t.scratch, 'rsa');
      const r = await t.run(['x509', 'mint', '--spiffe-id', 'spiffe://example.org/rsa', '--key-type', 'rsa-2048', '--write', dir]);
      assert.equal(r.code, 0, r.stderr);
      const key = createPrivateKey(await readFile(join(dir, 'key.pem'), 'utf8'));
      assert.deepEqual([key.asymmetricKeyType, key.asymmetricKeyDetails?.modulusLength], ['rsa', 2048]);
    });

    const bad: Array<{ name: string; argv: string[]; code: number; stderr: RegExp }> = [
      { name: 'a missing --spiffe-id', argv: [], code: 2, stderr: /--spiffe-id is required/ },
      { name: 'a malformed SPIFFE ID', argv: ['--spiffe-id', 'web'], code: 2, stderr: /--spiffe-id is not a valid SPIFFE ID/ },
      { name: 'an unknown key type', argv: ['--spiffe-id', 'spiffe://example.org/a', '--key-type', 'dsa'], code: 2, stderr: /--key-type must be one of ec-p256, ec-p384, rsa-2048/ },
      { name: 'a SPIFFE ID of another trust domain', argv: ['--spiffe-id', 'spiffe://other.org/a'], code: 1, stderr: /^signet: error: spiffe_id: .* \(InvalidArgument\)\n$/ },
    ];
    for (const c of bad) {
      it(`refuses ${c.name}`, async () => {
        const r = await t.run(['x509', 'mint', ...c.argv]);
        assert.equal(r.code, c.code, r.stderr);
        assert.match(r.stderr, c.stderr);
      });
    }
  });

  describe('jwt mint', () => {
    it('prints a token that validates against the JWT bundle, and the response as JSON', async () => {
      const r = await t.run(['jwt', 'mint', '--spiffe-id', 'spiffe://example.org/ops', '--audience', 'spiffe://example.org/db', '--audience', 'reports', '--ttl', '2m']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      const bundle = SpiffeBundle.parse(TD, (await t.run(['bundle', 'show', '--format', 'spiffe'])).stdout);
      const svid = parseAndValidateJwtSvid(r.stdout.trim(), bundle, { audience: 'reports', now: new Date() });
      assert.equal(svid.id.toString(), 'spiffe://example.org/ops');
      const json = JSON.parse((await t.run(['jwt', 'mint', '--spiffe-id', 'spiffe://example.org/ops', '--audience', 'a', '-o', 'json'])).stdout) as { token: string; expires_at: string; key_id: string };
      assert.match(json.expires_at, /^\d+$/);
      assert.ok(json.token.length > 0 && json.key_id.length > 0);
    });

    const bad: Array<{ name: string; argv: string[]; code: number; stderr: RegExp }> = [
      { name: 'a missing --audience', argv: ['--spiffe-id', 'spiffe://example.org/a'], code: 2, stderr: /--audience is required/ },
      { name: 'a malformed TTL', argv: ['--spiffe-id', 'spiffe://example.org/a', '--audience', 'x', '--ttl', '1.5s'], code: 2, stderr: /--ttl must be a whole number of seconds/ },
      { name: 'a SPIFFE ID of another trust domain', argv: ['--spiffe-id', 'spiffe://other.org/a', '--audience', 'x'], code: 1, stderr: /spiffe_id: .* \(InvalidArgument\)/ },
    ];
    for (const c of bad) {
      it(`refuses ${c.name}`, async () => {
        const r = await t.run(['jwt', 'mint', ...c.argv]);
        assert.equal(r.code, c.code, r.stderr);
        assert.match(r.stderr, c.stderr);
      });
    }
  });

  describe('authority', () => {
    async function authorities(kind: string): Promise<AuthorityJson[]> {
      const r = await t.run(['authority', kind, 'show', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { authorities: AuthorityJson[] }).authorities;
    }

    it('shows the authorities of each kind as a table and as JSON with PEM', async () => {
      const table = await t.run(['authority', 'x509', 'show']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^AUTHORITY ID\s+STATE\s+KEY ID\s+NOT BEFORE\s+NOT AFTER\s+UPSTREAM\n\S+\s+active\s+[0-9a-f]+\s+\d{4}-/);
      const [x509] = await authorities('x509');
      assert.match(x509?.certificate ?? '', /^-----BEGIN CERTIFICATE-----\n/);
      assert.match(x509?.public_key ?? '', /^-----BEGIN PUBLIC KEY-----\n/);
      assert.match(x509?.not_after ?? '', /^\d+$/);
      const [jwt] = await authorities('jwt');
      assert.deepEqual([jwt?.kind, jwt?.state, jwt?.certificate], ['jwt', 'active', '']);
      const one = await t.run(['authority', 'x509', 'show', '--authority-id', x509?.id ?? '']);
      assert.equal(one.stdout.trimEnd().split('\n').length, 2);
    });

    it('rotates by force: prepare, activate, taint the old authority, revoke it', async () => {
      for (const kind of ['x509', 'jwt']) {
        const [old] = await authorities(kind);
        const prepared = await t.run(['authority', kind, 'prepare', '-o', 'json']);
        assert.equal(prepared.code, 0, prepared.stderr);
        const next = JSON.parse(prepared.stdout) as AuthorityJson;
        assert.equal(next.state, 'prepared');
        const activated = await t.run(['authority', kind, 'activate']);
        assert.equal(activated.code, 0, activated.stderr);
        assert.match(activated.stdout, new RegExp(`authority ${next.id} activated\\.\\n`));
        const refused = await t.run(['authority', kind, 'revoke', '--authority-id', old?.id ?? '']);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /\(FailedPrecondition\)\n$/);
        const tainted = await t.run(['authority', kind, 'taint', '--authority-id', old?.id ?? '']);
        assert.equal(tainted.code, 0, tainted.stderr);
        assert.match(tainted.stdout, new RegExp(`authority ${old?.id} tainted\\.\\n`));
        const revoked = await t.run(['authority', kind, 'revoke', '--authority-id', old?.id ?? '', '-o', 'json']);
        assert.equal(revoked.code, 0, revoked.stderr);
        assert.equal((JSON.parse(revoked.stdout) as AuthorityJson).state, 'revoked');
        const states = Object.fromEntries((await authorities(kind)).map((a) => [a.id, a.state]));
        assert.equal(states[next.id], 'active');
      }
      const dir = join(t.scratch, 'after-rotation');
      assert.equal((await t.run(['x509', 'mint', '--spiffe-id', 'spiffe://example.org/web', '--write', dir])).code, 0);
      const svid = X509Svid.parse(await readFile(join(dir, 'svid.pem'), 'utf8'), await readFile(join(dir, 'key.pem'), 'utf8'));
      assert.equal(verifyX509Svid(svid.certificates, X509Bundle.parsePem(TD, await readFile(join(dir, 'bundle.pem'), 'utf8'))).id.toString(), 'spiffe://example.org/web');
    });

    const bad: Array<{ name: string; argv: string[]; code: number; stderr: RegExp }> = [
      { name: 'a taint without --authority-id', argv: ['authority', 'x509', 'taint'], code: 2, stderr: /--authority-id is required: the x509 authority to taint/ },
      { name: 'an unknown authority', argv: ['authority', 'jwt', 'show', '--authority-id', 'nope'], code: 1, stderr: /no jwt authority with id "nope" \(NotFound\)/ },
      { name: 'a taint of an unknown authority', argv: ['authority', 'x509', 'taint', '--authority-id', 'nope'], code: 1, stderr: /^signet: error: .*\((NotFound|InvalidArgument)\)\n$/ },
      { name: 'an unknown kind', argv: ['authority', 'pgp', 'show'], code: 2, stderr: /unknown command "authority pgp show/ },
    ];
    for (const c of bad) {
      it(`refuses ${c.name}`, async () => {
        const r = await t.run(c.argv);
        assert.equal(r.code, c.code, r.stderr);
        assert.match(r.stderr, c.stderr);
      });
    }
  });
});
