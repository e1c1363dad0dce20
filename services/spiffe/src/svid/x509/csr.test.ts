import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { CsrInvalidError } from '../../errors.js';
import { SpiffeId } from '../../id/spiffe-id.js';
import { Oid } from '../../internal/der/oids.js';
import { contextTag } from '../../internal/der/tags.js';
import { NULL, bitString, oid, sequence, setOf, smallInteger, tlv } from '../../internal/der/writer.js';
import { exportSpki } from '../../internal/keys.js';
import { encodePem } from '../../internal/pem.js';
import { TestCa } from '../../testing/test-ca.js';
import { generateTestKey, type TestKeyType } from '../../testing/keys.js';
import { createCsr, parseCsr } from './csr.js';
import { subjectAltNameExtension } from './encode-extensions.js';
import { verifyX509Svid } from './verify.js';

const id = SpiffeId.parse('spiffe://example.org/ns/prod/sa/web');
const now = new Date('2030-06-01T12:00:00.000Z');

/** Builds a CSR from raw parts, so each can be made wrong. */
function rawCsr(opts: {
  key: KeyObject;
  version?: number;
  spki?: Uint8Array;
  alg?: Uint8Array;
  hash?: string | null;
  attributes?: Uint8Array[];
  corrupt?: (sig: Buffer) => void;
}): Uint8Array {
  const info = sequence(
    smallInteger(opts.version ?? 0),
    sequence(),
    opts.spki ?? exportSpki(opts.key),
    tlv(contextTag(0, true), ...(opts.attributes ?? [])),
  );
  const sig = sign(opts.hash === undefined ? 'sha256' : opts.hash, info, opts.key);
  opts.corrupt?.(sig);
  return sequence(info, opts.alg ?? sequence(oid(Oid.ecdsaWithSha256)), bitString(sig));
}

describe('createCsr and parseCsr round-trip', () => {
  const kinds: [TestKeyType, string][] = [
    ['ec-p256', 'ecdsa-with-SHA256'],
    ['ec-p384', 'ecdsa-with-SHA384'],
    ['rsa-2048', 'sha256WithRSAEncryption'],
  ];
  for (const [kind, alg] of kinds) {
    it(`round-trips a ${kind} CSR with a SPIFFE ID and DNS names, as DER and as PEM`, () => {
      const { privateKey, publicKey } = generateTestKey(kind);
      const der = createCsr({ privateKey, id, dnsNames: ['web.example.org'] });
      for (const input of [der, encodePem('CERTIFICATE REQUEST', der)]) {
        const csr = parseCsr(input);
        assert.deepEqual(csr.uris, [id.toString()]);
        assert.deepEqual(csr.dnsNames, ['web.example.org']);
        assert.equal(csr.signatureAlgorithm, alg);
        assert.ok(csr.publicKey.equals(publicKey));
        assert.deepEqual(new Uint8Array(csr.subjectPublicKeyInfo), exportSpki(publicKey));
      }
    });
  }

  it('parses a CSR without requested SANs', () => {
    const csr = parseCsr(createCsr({ privateKey: generateTestKey().privateKey, subject: { commonName: 'web' } }));
    assert.deepEqual([csr.uris, csr.dnsNames], [[], []]);
  });

  it('ignores attributes other than extensionRequest', () => {
    const { privateKey } = generateTestKey();
    const challenge = sequence(oid('1.2.840.113549.1.9.7'), setOf(tlv(0x0c, new Uint8Array(Buffer.from('pw')))));
    const ext = sequence(oid(Oid.extensionRequest), setOf(sequence(subjectAltNameExtension({ uris: [id.toString()] }))));
    assert.deepEqual(parseCsr(rawCsr({ key: privateKey, attributes: [challenge, ext] })).uris, [id.toString()]);
  });

  it('feeds the minter: the minted leaf verifies and carries the CSR key', () => {
    const ca = TestCa.create('example.org', { now });
    const { privateKey, publicKey } = generateTestKey();
    const csr = parseCsr(createCsr({ privateKey, id }));
    const { certificate } = ca.minter().mint({ id, publicKey: csr.subjectPublicKeyInfo, now });
    assert.ok(verifyX509Svid([certificate], ca.x509Bundle(), { now }).id.equals(id));
    assert.ok(csr.publicKey.equals(publicKey));
  });
});

describe('parseCsr refusals', () => {
  const p256 = generateTestKey('ec-p256');
  const good = createCsr({ privateKey: p256.privateKey, id });
  const flipLast = (b: Uint8Array): Uint8Array => {
    const c = Uint8Array.from(b);
    c[c.length - 1]! ^= 0x01;
    return c;
  };
  const tamperInfo = (): Uint8Array => {
    const c = Uint8Array.from(good);
    const at = Buffer.from(c).indexOf(Buffer.from('sa/web'));
    c[at] = 'S'.charCodeAt(0);
    return c;
  };
  const ed = generateKeyPairSync('ed25519');
  const offCurve = (kind: 'ec-p256' | 'ec-p384'): Uint8Array => {
    const spki = Uint8Array.from(exportSpki(generateTestKey(kind).publicKey));
    spki[spki.length - 1]! ^= 0x01;
    return spki;
  };
  const cases: [string, () => Uint8Array | string, RegExp][] = [
    ['rejects a CSR whose signature was altered', () => flipLast(good), /signature does not verify/],
    ['rejects a CSR whose content was altered after signing', tamperInfo, /signature does not verify/],
    ['rejects a signature made by another key', () => rawCsr({ key: p256.privateKey, spki: exportSpki(generateTestKey().publicKey) }), /signature does not verify/],
    ['rejects a P-256 key that is not on the curve', () => rawCsr({ key: p256.privateKey, spki: offCurve('ec-p256') }), /subjectPKInfo: the public key cannot be imported/],
    ['rejects a P-384 key that is not on the curve', () => rawCsr({ key: generateTestKey('ec-p384').privateKey, hash: 'sha384', alg: sequence(oid(Oid.ecdsaWithSha384)), spki: offCurve('ec-p384') }), /subjectPKInfo: the public key cannot be imported/],
    ['rejects version 2 requests', () => rawCsr({ key: p256.privateKey, version: 1 }), /version: must be 0/],
    ['rejects an Ed25519 key as unsupported', () => rawCsr({ key: ed.privateKey, hash: null, alg: sequence(oid(Oid.ed25519)) }), /Ed25519; only EC P-256/],
    ['rejects a SHA-1 signature algorithm', () => rawCsr({ key: p256.privateKey, hash: 'sha1', alg: sequence(oid('1.2.840.10045.4.1')) }), /1\.2\.840\.10045\.4\.1 is not supported/],
    ['rejects an RSA algorithm on an EC key', () => rawCsr({ key: p256.privateKey, alg: sequence(oid(Oid.sha256WithRsa), NULL) }), /does not fit a EC P-256 key/],
    ['rejects parameters on an ECDSA algorithm', () => rawCsr({ key: p256.privateKey, alg: sequence(oid(Oid.ecdsaWithSha256), NULL) }), /invalid parameters/],
    ['rejects truncated DER, naming the field', () => good.subarray(0, 40), /certificationRequest.*truncated/],
    ['rejects trailing garbage', () => Uint8Array.from([...good, 0]), /trailing|after/],
    ['rejects PEM without a CERTIFICATE REQUEST block', () => encodePem('CERTIFICATE', good), /found 0/],
    ['rejects PEM with two requests', () => encodePem('CERTIFICATE REQUEST', good) + encodePem('CERTIFICATE REQUEST', good), /found 2/],
    ['rejects a malformed requested SAN', () => rawCsr({ key: p256.privateKey, attributes: [sequence(oid(Oid.extensionRequest), setOf(sequence(sequence(oid(Oid.subjectAltName), tlv(0x04, sequence())))))] }), /at least one name/],
  ];
  for (const [name, make, re] of cases) {
    it(name, () => assert.throws(() => parseCsr(make()), (e: Error) => e instanceof CsrInvalidError && re.test(e.message)));
  }
  it('throws TypeError for input that is neither text nor bytes', () => assert.throws(() => parseCsr(42 as never), TypeError));
});

describe('createCsr refusals', () => {
  it('refuses a public key', () => assert.throws(() => createCsr({ privateKey: generateTestKey().publicKey }), TypeError));
  it('refuses an invalid DNS name', () => assert.throws(() => createCsr({ privateKey: generateTestKey().privateKey, dnsNames: ['-bad.example.org'] }), /dnsNames\[0\]/));
});
