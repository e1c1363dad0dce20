import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509SvidInvalidError } from '../errors.js';
import { TrustDomain } from '../id/trust-domain.js';
import { parseCertificate } from '../svid/x509/certificate.js';
import { verifyX509Svid } from '../svid/x509/verify.js';
import { X509Svid } from '../svid/x509/svid.js';
import { TestCa } from './test-ca.js';
import { generateTestKey } from './keys.js';

const now = new Date('2030-06-01T12:00:00.000Z');
const ID = 'spiffe://example.org/web';

describe('TestCa', () => {
  it('creates a root whose bundle verifies the SVIDs it issues', () => {
    const ca = TestCa.create('example.org', { now });
    assert.equal(ca.trustDomain.name, 'example.org');
    assert.equal(ca.root, ca);
    assert.deepEqual(ca.intermediates, []);
    const bundle = ca.x509Bundle();
    assert.deepEqual(bundle.x509Authorities(), [ca.certificate]);
    const svid = ca.issueX509Svid(ID);
    assert.equal(svid.certificates.length, 1);
    assert.equal(verifyX509Svid(svid.certificates, bundle, { now }).id.toString(), ID);
  });

  it('builds child CAs whose SVIDs carry the intermediates, root excluded', () => {
    const root = TestCa.create(TrustDomain.parse('example.org'), { now });
    const child = root.childCa();
    const grandchild = child.childCa({ keyType: 'ec-p384' });
    assert.equal(grandchild.root, root);
    assert.equal(grandchild.parent, child);
    assert.deepEqual(grandchild.intermediates, [grandchild.certificate, child.certificate]);
    const svid = grandchild.issueX509Svid(ID, { dnsNames: ['web.example.org'] });
    assert.deepEqual(svid.certificates.slice(1), [grandchild.certificate, child.certificate]);
    assert.deepEqual(svid.leaf.dnsNames, ['web.example.org']);
    assert.equal(verifyX509Svid(svid.certificates, grandchild.x509Bundle(), { now }).chains[0]!.length, 4);
  });

  it('gives a child CA of another trust domain a bundle of that trust domain', () => {
    const child = TestCa.create('example.org', { now }).childCa({ trustDomain: 'other.org' });
    assert.equal(child.x509Bundle().trustDomain.name, 'other.org');
    assert.deepEqual(parseCertificate(child.certificate).ext.subjectAltName?.uris, ['spiffe://other.org']);
    assert.equal(verifyX509Svid(child.issueX509Svid('spiffe://other.org/db').certificates, child.x509Bundle(), { now }).id.toString(), 'spiffe://other.org/db');
  });

  it('issues certificates with the requested defects kept', () => {
    const ca = TestCa.create('example.org', { now });
    const bad = ca.issueCertificate({ uris: [ID, 'spiffe://example.org/two'], basicConstraints: { ca: true }, keyUsage: ['keyCertSign'] });
    const p = parseCertificate(bad.certificate);
    assert.deepEqual(p.ext.subjectAltName?.uris, [ID, 'spiffe://example.org/two']);
    assert.equal(p.ext.basicConstraints?.ca, true);
    assert.equal(p.ext.keyUsage?.mask, 1 << 5);
    assert.throws(() => X509Svid.fromParts(bad.chain, bad.privateKey!), X509SvidInvalidError);
  });

  it('issues a valid leaf from an empty spec apart from the URI', () => {
    const ca = TestCa.create('example.org', { now });
    const { chain, privateKey } = ca.issueCertificate({ uris: [ID], notAfter: new Date(now.getTime() + 60_000) });
    assert.equal(X509Svid.fromParts(chain, privateKey!).leaf.notAfter.getTime(), now.getTime() + 60_000);
  });

  it('uses a supplied public key and then returns no private key', () => {
    const { publicKey } = generateTestKey();
    const cert = TestCa.create('example.org', { now }).issueCertificate({ uris: [ID], publicKey });
    assert.equal(cert.privateKey, undefined);
    assert.deepEqual(Uint8Array.from(parseCertificate(cert.certificate).subjectPublicKeyInfo), new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })));
  });

  it('builds a defective child CA from a spec', () => {
    const child = TestCa.create('example.org', { now }).childCa({ defects: { keyUsage: ['cRLSign'] } });
    assert.equal(parseCertificate(child.certificate).ext.keyUsage?.mask, 1 << 6);
    assert.throws(() => child.minter(), X509SvidInvalidError);
  });

  it('reuses one minter per CA', () => {
    const ca = TestCa.create('example.org', { now });
    assert.equal(ca.minter(), ca.minter());
  });
});
