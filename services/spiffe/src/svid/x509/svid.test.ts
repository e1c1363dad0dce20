import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { KeyInvalidError, UnsupportedError, X509SvidInvalidError } from '../../errors.js';
import { encodePem } from '../../internal/pem.js';
import { TestCa } from '../../testing/test-ca.js';
import { generateTestKey, type TestKeyType } from '../../testing/keys.js';
import { X509Svid } from './svid.js';
import { verifyX509Svid } from './verify.js';
import { generateKeyPairSync } from 'node:crypto';

const now = new Date('2030-06-01T12:00:00.000Z');
const ID = 'spiffe://example.org/ns/prod/sa/web';
const root = TestCa.create('example.org', { now });
const inter = root.childCa();

describe('X509Svid round-trips', () => {
  const kinds: TestKeyType[] = ['ec-p256', 'ec-p384', 'rsa-2048'];
  for (const kind of kinds) {
    it(`marshals a ${kind} SVID to PEM and parses it back`, () => {
      const svid = inter.issueX509Svid(ID, { keyType: kind, dnsNames: ['web.example.org'] });
      const { certificates, privateKey } = svid.marshal();
      assert.match(privateKey, /^-----BEGIN PRIVATE KEY-----/);
      assert.equal(certificates.match(/BEGIN CERTIFICATE/g)?.length, 2);
      const back = X509Svid.parse(certificates, privateKey);
      assert.ok(back.id.equals(svid.id));
      assert.deepEqual(back.certificates, svid.certificates);
      assert.ok(back.privateKey.equals(svid.privateKey));
      assert.deepEqual(back.leaf, svid.leaf);
    });
  }

  it('marshals to DER and parses it back, from concatenated bytes or an array', () => {
    const svid = inter.issueX509Svid(ID);
    const raw = svid.marshalRaw();
    for (const certs of [raw.certificates, svid.certificates]) {
      const back = X509Svid.parseRaw(certs, raw.privateKey);
      assert.deepEqual(back.certificates, svid.certificates);
      assert.ok(back.privateKey.equals(svid.privateKey));
    }
  });

  it('parses certificates and key from the same PEM text', () => {
    const { certificates, privateKey } = inter.issueX509Svid(ID).marshal();
    const both = certificates + privateKey;
    assert.equal(X509Svid.parse(both, both).id.toString(), ID);
  });

  it('parses SEC1 and PKCS#1 private keys', () => {
    for (const [kind, type] of [['ec-p256', 'sec1'], ['rsa-2048', 'pkcs1']] as const) {
      const svid = root.issueX509Svid(ID, { keyType: kind });
      const pem = svid.privateKey.export({ format: 'pem', type }).toString();
      assert.ok(X509Svid.parse(svid.marshal().certificates, pem).privateKey.equals(svid.privateKey));
    }
  });

  it('reports the leaf facts, matching Node\'s reading of the certificate', () => {
    const svid = root.issueX509Svid(ID, { dnsNames: ['a.example.org', 'b.example.org'], ttlSeconds: 600 });
    const x = new X509Certificate(svid.certificates[0]!);
    assert.equal(svid.leaf.serialNumber, x.serialNumber.toLowerCase());
    assert.equal(svid.leaf.notBefore.getTime(), new Date(x.validFrom).getTime());
    assert.equal(svid.leaf.notAfter.getTime(), new Date(x.validTo).getTime());
    assert.deepEqual(svid.leaf.dnsNames, ['a.example.org', 'b.example.org']);
    assert.deepEqual(new Uint8Array(x.publicKey.export({ format: 'der', type: 'spki' })), Uint8Array.from(svid.leaf.subjectPublicKeyInfo));
  });

  it('keeps its own copy of the certificates', () => {
    const svid = root.issueX509Svid(ID);
    const der = Uint8Array.from(svid.certificates[0]!);
    const parsed = X509Svid.fromParts([der], svid.privateKey);
    der.fill(0);
    assert.doesNotThrow(() => verifyX509Svid(parsed.certificates, root.x509Bundle(), { now }));
  });
});

describe('X509Svid refusals', () => {
  const svid = root.issueX509Svid(ID);
  const pem = svid.marshal();
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['rejects a private key that does not match the leaf', () => X509Svid.fromParts(svid.certificates, generateTestKey().privateKey), KeyInvalidError, /does not match/],
    ['rejects a key of an unsupported type', () => X509Svid.fromParts(svid.certificates, generateKeyPairSync('ed25519').privateKey), UnsupportedError, /ed25519/],
    ['rejects no certificates', () => X509Svid.parse('', pem.privateKey), X509SvidInvalidError, /no certificates/],
    ['rejects a PEM block that is not a certificate', () => X509Svid.parse(pem.certificates + encodePem('X509 CRL', Uint8Array.of(0x30, 0)), pem.privateKey), X509SvidInvalidError, /X509 CRL/],
    ['rejects a certificate that is not DER', () => X509Svid.parse(encodePem('CERTIFICATE', Uint8Array.of(1, 2)), pem.privateKey), X509SvidInvalidError, /leaf certificate/],
    ['rejects trailing bytes after concatenated DER certificates', () => X509Svid.parseRaw(Uint8Array.from([...svid.certificates[0]!, 0x05]), svid.marshalRaw().privateKey), X509SvidInvalidError, /certificate 1/],
    ['rejects a missing private key', () => X509Svid.parse(pem.certificates, pem.certificates), KeyInvalidError, /found 0/],
    ['rejects the root as a leaf (a signing certificate, X509-SVID §3.2)', () => X509Svid.fromParts([root.certificate], root.privateKey), X509SvidInvalidError, /leaf certificate has SPIFFE ID "spiffe:\/\/example.org" without a path/],
    ['throws TypeError for a public key', () => X509Svid.fromParts(svid.certificates, generateTestKey().publicKey), TypeError, /private KeyObject/],
    ['throws TypeError for non-string PEM', () => X509Svid.parse(svid.certificates as never, pem.privateKey), TypeError, /PEM strings/],
  ];
  for (const [name, fn, Err, re] of cases) it(name, () => assert.throws(fn, (e: Error) => e instanceof Err && re.test(e.message)));
});
