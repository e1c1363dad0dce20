import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BundleInvalidError, X509SvidInvalidError } from '../../errors.js';
import { TestCa } from '../../testing/test-ca.js';
import { encodePem, parsePemCertificates, splitDerCertificates } from './encoding.js';

describe('certificate encodings', () => {
  const ca = TestCa.create('example.org');
  const child = ca.childCa();
  const ders = [child.certificate, ca.certificate];

  it('round-trips certificates through PEM, in order', () => {
    const pem = ders.map((d) => encodePem('CERTIFICATE', d)).join('');
    assert.deepEqual(parsePemCertificates(pem).map((d) => Buffer.from(d).toString('hex')), ders.map((d) => Buffer.from(d).toString('hex')));
  });

  it('writes 64-character lines and a trailing newline', () => {
    assert.match(encodePem('CERTIFICATE', new Uint8Array(100)), /^-----BEGIN CERTIFICATE-----\n(A{64}\n){2}A{6}==\n-----END CERTIFICATE-----\n$/);
  });

  const refused: Array<[string, string]> = [
    ['a block that is not a certificate', encodePem('PRIVATE KEY', new Uint8Array(8))],
    ['text without a certificate block', 'not pem at all'],
  ];
  for (const [name, text] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => parsePemCertificates(text), BundleInvalidError));
  }

  it('splits concatenated DER certificates, and refuses bytes that are not', () => {
    const joined = new Uint8Array(Buffer.concat(ders.map((d) => Buffer.from(d))));
    assert.equal(splitDerCertificates(joined).length, 2);
    assert.throws(() => splitDerCertificates(joined.subarray(0, joined.length - 3)), X509SvidInvalidError);
  });
});
