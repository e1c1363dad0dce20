import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as px from '@peculiar/x509';
import { KeyInvalidError, UnsupportedError, X509SvidInvalidError } from '../../errors.js';
import { TrustDomain } from '../../id/trust-domain.js';
import { generateTestKey, type TestKeyType } from '../../testing/keys.js';
import { TestCa } from '../../testing/test-ca.js';
import { createIntermediateCa, createSelfSignedCa } from './ca.js';
import { parseCertificate } from './certificate.js';
import { signingCertificateProblem } from './rules.js';
import { generateKeyPairSync } from 'node:crypto';

const now = new Date('2030-06-01T12:00:00.000Z');
const td = TrustDomain.parse('example.org');

function checkSigningShape(der: Uint8Array, expectedTd: string, pathLen?: number): void {
  const c = new px.X509Certificate(der);
  const bc = c.getExtension(px.BasicConstraintsExtension)!;
  // X509-SVID §4.1: cA true, critical; pathLen as requested.
  assert.equal(bc.ca, true);
  assert.equal(bc.critical, true);
  assert.equal(bc.pathLength, pathLen);
  // §4.3: keyCertSign (MUST) and cRLSign (MAY), critical; digitalSignature only for leaves (Appendix A).
  const ku = c.getExtension(px.KeyUsagesExtension)!;
  assert.equal(ku.critical, true);
  assert.equal(ku.usages, px.KeyUsageFlags.keyCertSign | px.KeyUsageFlags.cRLSign);
  // §3.2: the SPIFFE ID of a signing certificate has no path.
  const san = c.getExtension(px.SubjectAlternativeNameExtension)!;
  assert.deepEqual(san.names.items.map((n) => [n.type, n.value]), [['url', `spiffe://${expectedTd}`]]);
  assert.ok(c.getExtension(px.SubjectKeyIdentifierExtension)?.keyId);
  assert.equal(signingCertificateProblem(parseCertificate(der)), undefined);
}

describe('createSelfSignedCa (X509-SVID §3.2, §4.1, §4.3)', () => {
  const keys: TestKeyType[] = ['ec-p256', 'ec-p384', 'rsa-2048'];
  for (const k of keys) {
    it(`mints a self-signed ${k} root that Node verifies with its own key`, () => {
      const { privateKey, publicKey } = generateTestKey(k);
      const der = createSelfSignedCa({ trustDomain: td, privateKey, now, ttlSeconds: 3600 });
      checkSigningShape(der, 'example.org');
      const x = new X509Certificate(der);
      assert.ok(x.verify(publicKey));
      assert.ok(x.checkIssued(x));
      assert.equal(x.ca, true);
      const c = new px.X509Certificate(der);
      assert.equal(c.getExtension(px.AuthorityKeyIdentifierExtension)?.keyId, c.getExtension(px.SubjectKeyIdentifierExtension)?.keyId);
    });
  }

  it('uses O=SPIFFE, CN=<trust domain> and the serial as default subject, and honours custom ones', () => {
    const { privateKey } = generateTestKey();
    const serial = Uint8Array.of(0x12, 0x34);
    const der = createSelfSignedCa({ trustDomain: td, privateKey, now, serialNumber: serial });
    const x = new X509Certificate(der);
    assert.equal(x.subject, 'O=SPIFFE\nCN=example.org\nserialNumber=1234');
    assert.equal(x.serialNumber, '1234');
    const custom = new X509Certificate(createSelfSignedCa({ trustDomain: td, privateKey, now, subject: { organization: 'Acme', commonName: 'Root' } }));
    assert.equal(custom.subject, 'O=Acme\nCN=Root');
  });

  it('sets the validity from now, the backdate and the TTL', () => {
    const { privateKey } = generateTestKey();
    const p = parseCertificate(createSelfSignedCa({ trustDomain: td, privateKey, now, ttlSeconds: 7200, backdateSeconds: 30 }));
    assert.equal(p.notBefore.toISOString(), '2030-06-01T11:59:30.000Z');
    assert.equal(p.notAfter.toISOString(), '2030-06-01T14:00:00.000Z');
  });

  it('writes pathLenConstraint when asked (X509-SVID §4.1 MAY)', () => {
    const { privateKey } = generateTestKey();
    checkSigningShape(createSelfSignedCa({ trustDomain: td, privateKey, now, pathLen: 1 }), 'example.org', 1);
    checkSigningShape(createSelfSignedCa({ trustDomain: td, privateKey, now, pathLen: 0 }), 'example.org', 0);
  });

  it('writes critical URI name constraints for the given trust domains (X509-SVID §4.2)', () => {
    const { privateKey } = generateTestKey();
    const p = parseCertificate(createSelfSignedCa({ trustDomain: td, privateKey, now, nameConstraints: { trustDomains: [td], dnsNames: ['example.org'] } }));
    assert.deepEqual(p.ext.nameConstraints?.permitted, { uriHosts: ['example.org'], dnsNames: ['example.org'], otherForms: [] });
    assert.ok(p.extensions.find((e) => e.oid === '2.5.29.30')?.critical);
  });

  const refusals: [string, () => unknown, new (...a: never[]) => Error][] = [
    ['refuses an Ed25519 key', () => createSelfSignedCa({ trustDomain: td, privateKey: generateKeyPairSync('ed25519').privateKey, now }), UnsupportedError],
    ['refuses a negative pathLen', () => createSelfSignedCa({ trustDomain: td, privateKey: generateTestKey().privateKey, now, pathLen: -1 }), TypeError],
    ['refuses a fractional TTL', () => createSelfSignedCa({ trustDomain: td, privateKey: generateTestKey().privateKey, now, ttlSeconds: 1.5 }), TypeError],
    ['refuses a trust domain given as a string', () => createSelfSignedCa({ trustDomain: 'example.org' as never, privateKey: generateTestKey().privateKey, now }), TypeError],
    ['refuses an over-long common name', () => createSelfSignedCa({ trustDomain: td, privateKey: generateTestKey().privateKey, now, subject: { commonName: 'x'.repeat(65) } }), X509SvidInvalidError],
  ];
  for (const [name, fn, Err] of refusals) it(name, () => assert.throws(fn, Err));
});

describe('createIntermediateCa', () => {
  const root = generateTestKey('ec-p384');
  const rootDer = createSelfSignedCa({ trustDomain: td, privateKey: root.privateKey, now, ttlSeconds: 7200, pathLen: 1 });

  it('mints an intermediate signed by the parent, chained by name and key identifier', () => {
    const child = generateTestKey();
    const der = createIntermediateCa({ trustDomain: td, publicKey: child.publicKey, parentCertificate: rootDer, parentPrivateKey: root.privateKey, now, pathLen: 0 });
    checkSigningShape(der, 'example.org', 0);
    const x = new X509Certificate(der);
    const parent = new X509Certificate(rootDer);
    assert.ok(x.checkIssued(parent));
    assert.ok(x.verify(parent.publicKey));
    assert.equal(new px.X509Certificate(der).getExtension(px.AuthorityKeyIdentifierExtension)?.keyId, new px.X509Certificate(rootDer).getExtension(px.SubjectKeyIdentifierExtension)?.keyId);
    assert.notEqual(x.subject, parent.subject);
  });

  it('accepts the new public key as DER and may name another trust domain (X509-SVID §3.2)', () => {
    const child = generateTestKey('rsa-2048');
    const spki = new Uint8Array(child.publicKey.export({ format: 'der', type: 'spki' }));
    const der = createIntermediateCa({ trustDomain: TrustDomain.parse('other.org'), publicKey: spki, parentCertificate: rootDer, parentPrivateKey: root.privateKey, now });
    checkSigningShape(der, 'other.org');
    assert.ok(new X509Certificate(der).publicKey.equals(child.publicKey));
  });

  it("caps notAfter at the parent's notAfter", () => {
    const der = createIntermediateCa({ trustDomain: td, publicKey: generateTestKey().publicKey, parentCertificate: rootDer, parentPrivateKey: root.privateKey, now, ttlSeconds: 86400 });
    assert.deepEqual(parseCertificate(der).notAfter, parseCertificate(rootDer).notAfter);
  });

  const leafKey = generateTestKey();
  const pathLenZero = createSelfSignedCa({ trustDomain: td, privateKey: root.privateKey, now, pathLen: 0 });
  const leaf = TestCa.create(td, { now }).issueCertificate({ uris: ['spiffe://example.org/web'] });
  const refusals: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['refuses a leaf as the parent (X509-SVID §4.1)', () => createIntermediateCa({ trustDomain: td, publicKey: leafKey.publicKey, parentCertificate: leaf.certificate, parentPrivateKey: leaf.privateKey!, now }), X509SvidInvalidError, /cA=false/],
    ['refuses a parent key that does not match the parent certificate', () => createIntermediateCa({ trustDomain: td, publicKey: leafKey.publicKey, parentCertificate: rootDer, parentPrivateKey: leafKey.privateKey, now }), KeyInvalidError, /does not match/],
    ['refuses a parent whose pathLenConstraint is 0', () => createIntermediateCa({ trustDomain: td, publicKey: leafKey.publicKey, parentCertificate: pathLenZero, parentPrivateKey: root.privateKey, now }), X509SvidInvalidError, /pathLenConstraint 0/],
    ['refuses an expired parent', () => createIntermediateCa({ trustDomain: td, publicKey: leafKey.publicKey, parentCertificate: rootDer, parentPrivateKey: root.privateKey, now: new Date(now.getTime() + 3 * 3600_000) }), X509SvidInvalidError, /expired/],
    ['refuses an unsupported public key', () => createIntermediateCa({ trustDomain: td, publicKey: generateKeyPairSync('ed25519').publicKey, parentCertificate: rootDer, parentPrivateKey: root.privateKey, now }), KeyInvalidError, /Ed25519/],
    ['refuses a subject equal to the parent subject', () => createIntermediateCa({ trustDomain: td, publicKey: leafKey.publicKey, parentCertificate: createSelfSignedCa({ trustDomain: td, privateKey: root.privateKey, now, subject: { commonName: 'same' } }), parentPrivateKey: root.privateKey, now, subject: { commonName: 'same' } }), X509SvidInvalidError, /same subject/],
  ];
  for (const [name, fn, Err, re] of refusals) it(name, () => assert.throws(fn, (e: Error) => e instanceof Err && re.test(e.message)));
});
