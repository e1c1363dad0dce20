/**
 * Independent verification: OpenSSL checks the certificates and CSRs this package writes, and this
 * package parses a CSR that OpenSSL writes. Skipped when no `openssl` binary is on the PATH.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpiffeId } from '../../id/spiffe-id.js';
import { TrustDomain } from '../../id/trust-domain.js';
import { encodePem } from '../../internal/pem.js';
import { TestCa } from '../../testing/test-ca.js';
import { generateTestKey } from '../../testing/keys.js';
import { createCsr, parseCsr } from './csr.js';

const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const dir = hasOpenssl ? mkdtempSync(join(tmpdir(), 'signet-x509-')) : '';
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function openssl(...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}
function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}
const pem = (der: Uint8Array) => encodePem('CERTIFICATE', der);
const ID = 'spiffe://example.org/ns/prod/sa/web';

describe('OpenSSL agrees with the certificates we mint', { skip: !hasOpenssl && 'openssl is not installed' }, () => {
  const root = TestCa.create('example.org', { keyType: 'ec-p256' });
  const inter = root.childCa({ keyType: 'ec-p384' });
  const svid = inter.issueX509Svid(ID, { dnsNames: ['web.example.org'] });
  const rsaSvid = root.childCa({ keyType: 'rsa-2048' }).issueX509Svid(ID, { keyType: 'rsa-2048' });

  it('verifies root → intermediate → leaf with openssl verify (strict, as client and server)', () => {
    write('root.pem', pem(root.certificate));
    write('inter.pem', pem(inter.certificate));
    write('leaf.pem', pem(svid.certificates[0]!));
    for (const purpose of ['sslclient', 'sslserver']) {
      const r = openssl('verify', '-x509_strict', '-purpose', purpose, '-CAfile', 'root.pem', '-untrusted', 'inter.pem', 'leaf.pem');
      assert.ok(r.ok, r.out);
      assert.match(r.out, /leaf\.pem: OK/);
    }
  });

  it('verifies an RSA chain with openssl verify', () => {
    write('rsa-inter.pem', pem(rsaSvid.certificates[1]!));
    write('rsa-leaf.pem', pem(rsaSvid.certificates[0]!));
    const r = openssl('verify', '-x509_strict', '-CAfile', 'root.pem', '-untrusted', 'rsa-inter.pem', 'rsa-leaf.pem');
    assert.match(r.out, /rsa-leaf\.pem: OK/);
  });

  it('fails openssl verify against another root (the check can fail)', () => {
    write('other-root.pem', pem(TestCa.create('example.org').certificate));
    const r = openssl('verify', '-CAfile', 'other-root.pem', '-untrusted', 'inter.pem', 'leaf.pem');
    assert.ok(!r.ok);
    assert.doesNotMatch(r.out, /leaf\.pem: OK/);
  });

  it('shows the leaf as an X.509-SVID in openssl x509 -text', () => {
    const { ok, out } = openssl('x509', '-in', 'leaf.pem', '-text', '-noout');
    assert.ok(ok, out);
    assert.match(out, /X509v3 Subject Alternative Name: *\n\s*URI:spiffe:\/\/example\.org\/ns\/prod\/sa\/web, DNS:web\.example\.org/);
    assert.match(out, /X509v3 Basic Constraints: critical\n\s*CA:FALSE/);
    assert.match(out, /X509v3 Key Usage: critical\n\s*Digital Signature\n/);
    assert.match(out, /X509v3 Extended Key Usage: *\n\s*TLS Web Server Authentication, TLS Web Client Authentication/);
    assert.match(out, /X509v3 Subject Key Identifier/);
    assert.match(out, /X509v3 Authority Key Identifier/);
    assert.match(out, /Signature Algorithm: ecdsa-with-SHA384/);
  });

  it('shows keyEncipherment for an RSA leaf', () => {
    const { out } = openssl('x509', '-in', 'rsa-leaf.pem', '-text', '-noout');
    assert.match(out, /X509v3 Key Usage: critical\n\s*Digital Signature, Key Encipherment\n/);
  });

  it('shows the CA certificates as signing certificates', () => {
    for (const f of ['root.pem', 'inter.pem']) {
      const { out } = openssl('x509', '-in', f, '-text', '-noout');
      assert.match(out, /X509v3 Basic Constraints: critical\n\s*CA:TRUE/);
      assert.match(out, /X509v3 Key Usage: critical\n\s*Certificate Sign, CRL Sign\n/);
      assert.match(out, /URI:spiffe:\/\/example\.org\n/);
    }
  });

  it('agrees on URI name constraints: a constrained root rejects a foreign SPIFFE ID', () => {
    const constrained = TestCa.create('example.org', { nameConstraints: { trustDomains: [TrustDomain.parse('example.org')] } });
    write('nc-root.pem', pem(constrained.certificate));
    write('nc-good.pem', pem(constrained.issueX509Svid(ID).certificates[0]!));
    write('nc-bad.pem', pem(constrained.issueCertificate({ uris: ['spiffe://evil.org/web'] }).certificate));
    assert.match(openssl('verify', '-CAfile', 'nc-root.pem', 'nc-good.pem').out, /nc-good\.pem: OK/);
    const bad = openssl('verify', '-CAfile', 'nc-root.pem', 'nc-bad.pem');
    assert.ok(!bad.ok);
    assert.match(bad.out, /permitted subtree violation/);
  });
});

describe('OpenSSL agrees with our CSRs, and we read its CSRs', { skip: !hasOpenssl && 'openssl is not installed' }, () => {
  it('verifies a CSR we create with openssl req -verify', () => {
    const { privateKey } = generateTestKey('ec-p384');
    write('ours.csr', encodePem('CERTIFICATE REQUEST', createCsr({ privateKey, id: SpiffeId.parse(ID), dnsNames: ['web.example.org'] })));
    const r = openssl('req', '-in', 'ours.csr', '-verify', '-noout', '-text');
    assert.ok(r.ok, r.out);
    assert.match(r.out, /verify OK|Certificate request self-signature verify OK/);
    assert.match(r.out, /URI:spiffe:\/\/example\.org\/ns\/prod\/sa\/web, DNS:web\.example\.org/);
  });

  it('parses a CSR made by openssl req', () => {
    const { privateKey, publicKey } = generateTestKey('ec-p256');
    write('key.pem', privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const r = openssl('req', '-new', '-key', 'key.pem', '-subj', '/O=Acme', '-addext', `subjectAltName=URI:${ID},DNS:web.example.org`, '-out', 'theirs.csr');
    assert.ok(r.ok, r.out);
    const csr = parseCsr(openssl('req', '-in', 'theirs.csr', '-outform', 'PEM').out);
    assert.deepEqual(csr.uris, [ID]);
    assert.deepEqual(csr.dnsNames, ['web.example.org']);
    assert.ok(csr.publicKey.equals(publicKey));
  });
});
