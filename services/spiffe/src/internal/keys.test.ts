import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { KeyInvalidError, UnsupportedError } from '../errors.js';
import {
  exportSpki,
  importSpki,
  inspectSpki,
  keyIdentifier,
  keyKindOf,
  parsePrivateKey,
  privateKeyMatchesSpki,
  signatureAlgorithmFor,
  verifyAlgorithmFor,
  type KeyKind,
} from './keys.js';
import type { Fail } from './der/reader.js';
import { Oid } from './der/oids.js';
import { NULL, bitString, oid, sequence } from './der/writer.js';

class SpkiError extends Error {}
const fail: Fail = (m) => {
  throw new SpkiError(m);
};

const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('key kinds and signature algorithms', () => {
  const cases: [string, { privateKey: KeyObject; publicKey: KeyObject }, KeyKind, string, string][] = [
    ['EC P-256', p256, 'ec-p256', 'ecdsa-with-SHA256', '300a06082a8648ce3d040302'],
    ['EC P-384', p384, 'ec-p384', 'ecdsa-with-SHA384', '300a06082a8648ce3d040303'],
    ['RSA 2048', rsa, 'rsa', 'sha256WithRSAEncryption', '300d06092a864886f70d01010b0500'],
  ];
  for (const [name, pair, kind, alg, identifier] of cases) {
    it(`detects ${name} and signs with ${alg}`, () => {
      assert.equal(keyKindOf(pair.privateKey), kind);
      assert.equal(keyKindOf(pair.publicKey), kind);
      const sa = signatureAlgorithmFor(pair.privateKey);
      assert.equal(sa.name, alg);
      assert.equal(Buffer.from(sa.identifier).toString('hex'), identifier);
    });
    it(`inspects a ${name} SubjectPublicKeyInfo without importing it`, () => {
      const spki = exportSpki(pair.publicKey);
      const info = inspectSpki(spki, fail);
      assert.equal(info.kind, kind);
      assert.ok(spki.byteLength > info.keyBits.byteLength);
    });
  }

  const unsupported: [string, () => KeyObject, RegExp][] = [
    ['Ed25519', () => generateKeyPairSync('ed25519').privateKey, /ed25519 is not supported/],
    ['EC P-521', () => generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey, /secp521r1 is not supported/],
    ['RSA 1024', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, /1024 bits is not supported/],
    ['RSA-PSS', () => generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey, /rsa-pss is not supported/],
  ];
  for (const [name, make, re] of unsupported) {
    it(`refuses ${name} keys with UnsupportedError`, () => assert.throws(() => keyKindOf(make()), (e: Error) => e instanceof UnsupportedError && re.test(e.message)));
  }

  it('reports an Ed25519 or 1024-bit RSA SubjectPublicKeyInfo as unsupported', () => {
    assert.equal(inspectSpki(exportSpki(generateKeyPairSync('ed25519').publicKey), fail).kind, 'unsupported');
    const small = inspectSpki(exportSpki(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey), fail);
    assert.equal(small.kind, 'unsupported');
    assert.equal(small.description, 'RSA 1024-bit');
  });

  it('knows the algorithms it verifies and refuses SHA-1', () => {
    assert.equal(verifyAlgorithmFor('1.2.840.10045.4.3.2')?.hash, 'sha256');
    assert.equal(verifyAlgorithmFor('1.2.840.113549.1.1.12')?.keyType, 'rsa');
    assert.equal(verifyAlgorithmFor('1.2.840.113549.1.1.5'), undefined);
    assert.equal(verifyAlgorithmFor('1.2.840.10045.4.1'), undefined);
  });
});

describe('inspectSpki on malformed input', () => {
  const good = exportSpki(p256.publicKey);
  const cases: [string, Uint8Array][] = [
    ['rejects a truncated key', good.subarray(0, 60)],
    ['rejects trailing bytes', Uint8Array.from([...good, 0])],
    ['rejects an EC point of the wrong length', sequence(sequence(oid(Oid.ecPublicKey), oid(Oid.prime256v1)), bitString(new Uint8Array(64).fill(4)))],
    ['rejects an EC point in an unknown format', sequence(sequence(oid(Oid.ecPublicKey), oid(Oid.prime256v1)), bitString(new Uint8Array(65).fill(5)))],
    ['rejects an EC key without a named curve', sequence(sequence(oid(Oid.ecPublicKey)), bitString(new Uint8Array(65).fill(4)))],
    ['rejects RSA parameters other than NULL', sequence(sequence(oid(Oid.rsaEncryption), oid(Oid.prime256v1)), bitString(new Uint8Array(8)))],
    ['rejects an RSA key that is not an RSAPublicKey', sequence(sequence(oid(Oid.rsaEncryption), NULL), bitString(Uint8Array.of(1, 2)))],
    ['rejects garbage', Uint8Array.of(1, 2, 3)],
  ];
  for (const [name, bytes] of cases) it(name, () => assert.throws(() => inspectSpki(bytes, fail), SpkiError));
});

describe('key identifiers and matching', () => {
  it('derives key identifiers as the SHA-1 of the key bits (RFC 5280 §4.2.1.2)', () => {
    const info = inspectSpki(exportSpki(p256.publicKey), fail);
    assert.equal(Buffer.from(keyIdentifier(info.keyBits)).toString('hex'), createHash('sha1').update(info.keyBits).digest('hex'));
  });
  it('matches a private key with its own public key only', () => {
    assert.ok(privateKeyMatchesSpki(p256.privateKey, exportSpki(p256.publicKey)));
    assert.ok(!privateKeyMatchesSpki(p256.privateKey, exportSpki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)));
    assert.ok(!privateKeyMatchesSpki(p256.privateKey, exportSpki(rsa.publicKey)));
    assert.ok(!privateKeyMatchesSpki(p256.privateKey, Uint8Array.of(1, 2, 3)));
  });
  it('matches a compressed-point encoding of the same EC key', () => {
    const jwkless = p256.publicKey.export({ format: 'der', type: 'spki' });
    const x = jwkless.subarray(27, 59);
    const y = jwkless.subarray(59, 91);
    const prefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
    const compressed = Buffer.concat([prefix, Buffer.of(y[31]! & 1 ? 3 : 2), x]);
    assert.equal(inspectSpki(compressed, fail).kind, 'ec-p256');
    assert.ok(privateKeyMatchesSpki(p256.privateKey, compressed));
  });
  it('exports the SubjectPublicKeyInfo of a private key once', () => {
    const a = exportSpki(p384.privateKey);
    assert.equal(exportSpki(p384.privateKey), a);
    assert.deepEqual(a, new Uint8Array(p384.publicKey.export({ format: 'der', type: 'spki' })));
  });
});

describe('parsePrivateKey', () => {
  const pem = (k: KeyObject, type: 'pkcs8' | 'sec1' | 'pkcs1') => k.export({ format: 'pem', type }).toString();
  const der = (k: KeyObject, type: 'pkcs8' | 'sec1' | 'pkcs1') => new Uint8Array(k.export({ format: 'der', type }));
  const ok: [string, string | Uint8Array, KeyObject][] = [
    ['PKCS#8 PEM (EC)', pem(p256.privateKey, 'pkcs8'), p256.privateKey],
    ['SEC1 "EC PRIVATE KEY" PEM', pem(p384.privateKey, 'sec1'), p384.privateKey],
    ['PKCS#1 "RSA PRIVATE KEY" PEM', pem(rsa.privateKey, 'pkcs1'), rsa.privateKey],
    ['PKCS#8 DER (RSA)', der(rsa.privateKey, 'pkcs8'), rsa.privateKey],
    ['SEC1 DER', der(p256.privateKey, 'sec1'), p256.privateKey],
    ['PKCS#1 DER', der(rsa.privateKey, 'pkcs1'), rsa.privateKey],
    ['PEM with a certificate block around it', `-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n${pem(p256.privateKey, 'pkcs8')}`, p256.privateKey],
  ];
  for (const [name, input, expected] of ok) {
    it(`parses ${name}`, () => assert.ok(parsePrivateKey(input).equals(expected)));
  }
  const encrypted = p256.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }).toString();
  const bad: [string, string | Uint8Array, new (...a: never[]) => Error][] = [
    ['refuses an encrypted key', encrypted, KeyInvalidError],
    ['refuses text without a key block', 'hello', KeyInvalidError],
    ['refuses two key blocks', pem(p256.privateKey, 'pkcs8') + pem(p384.privateKey, 'pkcs8'), KeyInvalidError],
    ['refuses DER garbage', Uint8Array.of(0x30, 0x03, 2, 1, 0), KeyInvalidError],
    ['refuses a public key dressed as a private key', p256.publicKey.export({ format: 'pem', type: 'spki' }).toString().replace(/PUBLIC KEY/g, 'PRIVATE KEY'), KeyInvalidError],
    ['refuses an Ed25519 key as unsupported', pem(generateKeyPairSync('ed25519').privateKey, 'pkcs8'), UnsupportedError],
  ];
  for (const [name, input, Err] of bad) it(name, () => assert.throws(() => parsePrivateKey(input), Err));
  it('throws TypeError for other input types', () => assert.throws(() => parsePrivateKey(42 as never), TypeError));
});

describe('importSpki', () => {
  const fail = (m: string): never => {
    throw new Error(m);
  };
  const spkiOf = (k: KeyObject) => new Uint8Array(k.export({ format: 'der', type: 'spki' }));
  const curves: Array<['P-256' | 'P-384', string]> = [
    ['P-256', 'prime256v1'],
    ['P-384', 'secp384r1'],
  ];
  for (const [name, curve] of curves) {
    it(`imports an uncompressed ${name} key equal to the DER import`, () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const imported = importSpki(spkiOf(publicKey), fail);
      assert.ok(imported.equals(publicKey));
      assert.equal(imported.asymmetricKeyDetails?.namedCurve, curve);
    });
    it(`refuses a ${name} point that is not on the curve`, () => {
      const spki = spkiOf(generateKeyPairSync('ec', { namedCurve: curve }).publicKey);
      spki[spki.length - 1]! ^= 0x01;
      assert.throws(() => importSpki(spki, fail, 'csr.subjectPKInfo'), /csr\.subjectPKInfo: the public key cannot be imported/);
    });
  }
  it('imports RSA and Ed25519 keys through DER', () => {
    for (const { publicKey } of [generateKeyPairSync('rsa', { modulusLength: 2048 }), generateKeyPairSync('ed25519')]) {
      assert.ok(importSpki(spkiOf(publicKey), fail).equals(publicKey));
    }
  });
  it('refuses bytes that are not a public key', () => {
    assert.throws(() => importSpki(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), fail), /cannot be imported/);
  });
});
