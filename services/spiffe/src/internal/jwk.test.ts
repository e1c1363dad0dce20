// Public keys as JWKs (RFC 7517, RFC 7518 §6): EC P-256/P-384/P-521 and RSA.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, ECDH, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { KeyInvalidError, UnsupportedError } from '../errors.js';
import { isSupportedJwkType, jwkToPublicKey, publicKeyToJwk } from './jwk.js';

// RFC 7517 Appendix A.1: example public keys.
const RFC_EC = { kty: 'EC', crv: 'P-256', x: 'MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4', y: '4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM' } as const;
const RFC_RSA = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
} as const;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A public key that went through DER, so Node's own JWK export of it is safe to use as a reference. */
function viaSpki(key: KeyObject): KeyObject {
  return createPublicKey({ key: key.export({ format: 'der', type: 'spki' }), format: 'der', type: 'spki' });
}

describe('jwkToPublicKey and publicKeyToJwk', () => {
  it('round-trips the RFC 7517 A.1 EC example exactly', () => {
    const key = jwkToPublicKey({ ...RFC_EC, use: 'enc', kid: '1' });
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.deepEqual(publicKeyToJwk(key), RFC_EC);
  });

  it('round-trips the RFC 7517 A.1 RSA example exactly', () => {
    const key = jwkToPublicKey({ ...RFC_RSA, alg: 'RS256', kid: '2011-04-29' });
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    assert.deepEqual(publicKeyToJwk(key), RFC_RSA);
  });

  for (const [crv, namedCurve] of [['P-256', 'prime256v1'], ['P-384', 'secp384r1'], ['P-521', 'secp521r1']] as const) {
    it(`matches Node's own JWK export for 300 fresh ${crv} keys, and re-imports to an equal key`, () => {
      for (let i = 0; i < 300; i++) {
        const { publicKey } = generateKeyPairSync('ec', { namedCurve });
        const jwk = publicKeyToJwk(publicKey);
        assert.deepEqual(jwk, viaSpki(publicKey).export({ format: 'jwk' }));
        assert.equal(jwk.kty === 'EC' && jwk.crv, crv);
        assert.ok(jwkToPublicKey(jwk).equals(publicKey));
      }
    });
  }

  it('exports a key imported from a compressed point with both coordinates', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const point = spki.subarray(spki.length - 65);
    const compressed = ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'compressed') as Buffer;
    const prefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
    const key = createPublicKey({ key: Buffer.concat([prefix, compressed]), format: 'der', type: 'spki' });
    assert.deepEqual(publicKeyToJwk(key), publicKeyToJwk(publicKey));
  });

  it('round-trips a fresh RSA key', () => {
    const jwk = publicKeyToJwk(rsa.publicKey);
    assert.deepEqual(jwk, viaSpki(rsa.publicKey).export({ format: 'jwk' }));
    assert.ok(jwkToPublicKey(jwk).equals(rsa.publicKey));
  });

  it('accepts a modulus with a leading zero byte and exports it minimally', () => {
    const padded = Buffer.concat([Buffer.from([0]), Buffer.from(RFC_RSA.n, 'base64url')]).toString('base64url');
    assert.deepEqual(publicKeyToJwk(jwkToPublicKey({ ...RFC_RSA, n: padded })), RFC_RSA);
  });
});

describe('jwkToPublicKey rejects bad JWKs with KeyInvalidError naming the member', () => {
  const offCurve = { ...RFC_EC, y: RFC_EC.x };
  const short = Buffer.from(RFC_EC.x, 'base64url').subarray(1).toString('base64url');
  const long = Buffer.concat([Buffer.from([0]), Buffer.from(RFC_EC.x, 'base64url')]).toString('base64url');
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['private key material "d" in an EC JWK', { ...RFC_EC, d: RFC_EC.x }, /member "d" holds private key material/],
    ['private key material "p" in an RSA JWK', { ...RFC_RSA, p: 'AQAB' }, /member "p" holds private key material/],
    ['a symmetric key value "k"', { kty: 'oct', k: 'c2VjcmV0' }, /member "k" holds private key material/],
    ['a missing "kty"', { crv: 'P-256', x: RFC_EC.x, y: RFC_EC.y }, /member "kty" is required/],
    ['an unknown "kty"', { kty: 'OKP', crv: 'Ed25519', x: RFC_EC.x }, /member "kty" is "OKP"/],
    ['an unknown "crv"', { ...RFC_EC, crv: 'secp256k1' }, /member "crv" is "secp256k1"/],
    ['a missing "crv"', { kty: 'EC', x: RFC_EC.x, y: RFC_EC.y }, /member "crv" is missing/],
    ['a missing "y"', { kty: 'EC', crv: 'P-256', x: RFC_EC.x }, /member "y" is required/],
    ['"x" in standard base64', { ...RFC_EC, x: `${RFC_EC.x.slice(0, -1)}+` }, /member "x" is not base64url/],
    ['"x" with padding', { ...RFC_EC, x: `${RFC_EC.x}=` }, /member "x" is not base64url/],
    ['"x" one byte short', { ...RFC_EC, x: short }, /member "x" is 31 bytes; P-256 coordinates are 32 bytes/],
    ['"x" with a leading zero byte', { ...RFC_EC, x: long }, /member "x" is 33 bytes/],
    ['a point that is not on the curve', offCurve, /not on curve P-256/],
    ['a P-256 point labelled P-384', { ...RFC_EC, crv: 'P-384' }, /member "x" is 32 bytes; P-384 coordinates are 48 bytes/],
    ['a missing "n"', { kty: 'RSA', e: 'AQAB' }, /member "n" is required/],
    ['a zero modulus', { kty: 'RSA', n: 'AA', e: 'AQAB' }, /member "n" \(the modulus\) is zero/],
    ['a modulus over 16384 bits', { kty: 'RSA', n: Buffer.alloc(2049, 0xff).toString('base64url'), e: 'AQAB' }, /member "n" is a 16392-bit modulus/],
    ['an even exponent', { ...RFC_RSA, e: 'Ag' }, /member "e"/],
    ['an exponent of 1', { ...RFC_RSA, e: 'AQ' }, /member "e"/],
    ['an exponent above 2^31', { ...RFC_RSA, e: 'AQAAAAE' }, /member "e"/],
    ['a non-string exponent', { ...RFC_RSA, e: 65537 }, /member "e" is required and must be a base64url string/],
  ];
  for (const [name, jwk, msg] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(() => jwkToPublicKey(jwk, 'keys[0]'), (e: Error) => e instanceof KeyInvalidError && e.message.startsWith('keys[0]: ') && msg.test(e.message));
    });
  }
});

describe('publicKeyToJwk refuses what a JWK here cannot express', () => {
  it('throws TypeError for a private key', () => {
    assert.throws(() => publicKeyToJwk(rsa.privateKey), TypeError);
  });
  it('throws UnsupportedError for an Ed25519 key', () => {
    assert.throws(() => publicKeyToJwk(generateKeyPairSync('ed25519').publicKey), UnsupportedError);
  });
  it('throws UnsupportedError for a secp256k1 key', () => {
    assert.throws(() => publicKeyToJwk(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey), /curve "secp256k1" is not supported/);
  });
});

describe('isSupportedJwkType', () => {
  const cases: Array<[string, Record<string, unknown>, boolean]> = [
    ['EC P-256', { kty: 'EC', crv: 'P-256' }, true],
    ['EC P-521', { kty: 'EC', crv: 'P-521' }, true],
    ['RSA', { kty: 'RSA' }, true],
    ['EC on an unknown curve', { kty: 'EC', crv: 'P-192' }, false],
    ['EC with "crv" inherited from Object.prototype', { kty: 'EC', crv: 'toString' }, false],
    ['OKP', { kty: 'OKP', crv: 'Ed25519' }, false],
    ['oct', { kty: 'oct' }, false],
    ['lowercase "ec"', { kty: 'ec', crv: 'P-256' }, false],
  ];
  for (const [name, jwk, want] of cases) it(`says ${want} for ${name}`, () => assert.equal(isSupportedJwkType(jwk), want));
});
