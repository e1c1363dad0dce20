// JWT bundles: the JWT authorities of one trust domain (JWT-SVID §6), as keys and as a JWKS (RFC 7517 §5).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { BundleInvalidError, KeyInvalidError } from '../errors.js';
import { TrustDomain } from '../id/index.js';
import { publicKeyToJwk } from '../internal/jwk.js';
import { JwtBundle, MAX_BUNDLE_KEYS } from './jwt-bundle.js';

const td = TrustDomain.parse('example.org');
const otherTd = TrustDomain.parse('other.example');
const k1 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const k2 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk1 = publicKeyToJwk(k1.publicKey);
const jwk2 = publicKeyToJwk(k2.publicKey);
const jwks = (...keys: unknown[]) => JSON.stringify({ keys });

// RFC 7517 Appendix A.1: an EC key for encryption and an RSA signing key without "use".
const RFC_A1 = `{"keys":[
  {"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","use":"enc","kid":"1"},
  {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}
]}`;

describe('JwtBundle holds keys by kid', () => {
  const b = JwtBundle.fromKeys(td, new Map([['k1', k1.publicKey], ['k2', k2.publicKey]]));

  it('finds keys by kid and reports its trust domain and size', () => {
    assert.ok(b.findKey('k1')?.equals(k1.publicKey));
    assert.equal(b.findKey('nope'), undefined);
    assert.ok(b.hasKey('k2'));
    assert.equal(b.size, 2);
    assert.ok(b.trustDomain.equals(td));
    assert.equal(JwtBundle.empty(td).isEmpty(), true);
  });

  it('hands out a copy of its authorities, so callers cannot change it', () => {
    const copy = b.jwtAuthorities();
    copy.delete('k1');
    assert.ok(b.hasKey('k1'));
  });

  it('returns new bundles from withKey and withoutKey and leaves the original alone', () => {
    const added = b.withKey('k3', rsa.publicKey);
    assert.equal(added.size, 3);
    assert.equal(b.size, 2);
    const removed = added.withoutKey('k1');
    assert.equal(removed.hasKey('k1'), false);
    assert.equal(added.hasKey('k1'), true);
    assert.equal(b.withoutKey('absent'), b);
    assert.equal(b.withKey('k1', k1.publicKey), b);
  });

  it('replaces the key of an existing kid with withKey', () => {
    assert.ok(b.withKey('k1', k2.publicKey).findKey('k1')?.equals(k2.publicKey));
  });

  it('compares by trust domain and kid → key, ignoring order', () => {
    const reversed = JwtBundle.fromKeys(td, [['k2', k2.publicKey], ['k1', k1.publicKey]]);
    assert.ok(b.equals(reversed));
    assert.equal(b.equals(JwtBundle.fromKeys(otherTd, [['k2', k2.publicKey], ['k1', k1.publicKey]])), false);
    assert.equal(b.equals(b.withKey('k1', k2.publicKey)), false);
    assert.equal(b.equals(b.withoutKey('k1')), false);
  });

  it('serves itself as a source only for its own trust domain', () => {
    assert.equal(b.getJwtBundleForTrustDomain(td), b);
    assert.equal(b.getJwtBundleForTrustDomain(otherTd), undefined);
  });
});

describe('JwtBundle.fromKeys refuses keys that cannot be JWT authorities', () => {
  const cases: Array<[string, () => unknown, new (...a: never[]) => Error, RegExp]> = [
    ['refuses an empty kid', () => JwtBundle.fromKeys(td, [['', k1.publicKey]]), TypeError, /key ID must be a non-empty string/],
    ['refuses a private key', () => JwtBundle.fromKeys(td, [['k', k1.privateKey]]), TypeError, /must be a public KeyObject/],
    ['refuses something that is not a KeyObject', () => JwtBundle.fromKeys(td, [['k', jwk1 as never]]), TypeError, /must be a public KeyObject/],
    ['refuses an Ed25519 key', () => JwtBundle.fromKeys(td, [['k', generateKeyPairSync('ed25519').publicKey]]), KeyInvalidError, /must be an EC or RSA key/],
    ['refuses a secp256k1 key', () => JwtBundle.fromKeys(td, [['k', generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey]]), KeyInvalidError, /P-256, P-384 or P-521/],
    ['refuses an RSA key under 2048 bits', () => JwtBundle.fromKeys(td, [['k', generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey]]), KeyInvalidError, /at least 2048 bits \(got 1024\)/],
    ['refuses one kid given two different keys', () => JwtBundle.fromKeys(td, [['k', k1.publicKey], ['k', k2.publicKey]]), BundleInvalidError, /key ID "k" is used by two different keys/],
    ['refuses a bad key in withKey too', () => JwtBundle.empty(td).withKey('k', k1.privateKey), TypeError, /public KeyObject/],
  ];
  for (const [name, run, Err, msg] of cases) it(name, () => assert.throws(run, (e: Error) => e instanceof Err && msg.test(e.message)));

  it('accepts the same key listed twice under one kid', () => {
    assert.equal(JwtBundle.fromKeys(td, [['k', k1.publicKey], ['k', k1.publicKey]]).size, 1);
  });
});

describe('JwtBundle as a JWKS document', () => {
  it('round-trips through toJwks and parseJwks', () => {
    const b = JwtBundle.fromKeys(td, [['k1', k1.publicKey], ['k2', k2.publicKey], ['rsa', rsa.publicKey]]);
    const again = JwtBundle.parseJwks(td, b.toJwks());
    assert.ok(again.equals(b));
    assert.ok(JwtBundle.parseJwks(td, Buffer.from(b.toJwks())).equals(b));
  });

  it('writes kid and key members, and no "use" so that generic JWT libraries accept it', () => {
    const doc = JSON.parse(JwtBundle.fromKeys(td, [['k1', k1.publicKey]]).toJwks()) as { keys: Array<Record<string, unknown>> };
    assert.deepEqual(doc.keys, [{ kty: 'EC', kid: 'k1', crv: 'P-256', x: jwk1.kty === 'EC' && jwk1.x, y: jwk1.kty === 'EC' && jwk1.y }]);
  });

  it('reads the RFC 7517 A.1 example, skipping the key whose use is "enc"', () => {
    const b = JwtBundle.parseJwks(td, RFC_A1);
    assert.deepEqual([...b.jwtAuthorities().keys()], ['2011-04-29']);
  });

  const skipped: Array<[string, object]> = [
    ['skips an x509-svid element of a SPIFFE bundle', { ...jwk2, kid: 'x', use: 'x509-svid' }],
    ['skips an element of an unknown key type', { kty: 'OKP', crv: 'Ed25519', x: 'AAAA', kid: 'x' }],
    ['skips a symmetric key', { kty: 'oct', k: 'c2VjcmV0', kid: 'x' }],
    ['skips an EC key on an unknown curve', { kty: 'EC', crv: 'P-192', x: 'AA', y: 'AA', kid: 'x' }],
  ];
  for (const [name, extra] of skipped) {
    it(name, () => assert.deepEqual([...JwtBundle.parseJwks(td, jwks({ ...jwk1, kid: 'k1', use: 'jwt-svid' }, extra)).jwtAuthorities().keys()], ['k1']));
  }

  it('accepts use "sig" and no use as JWT authorities', () => {
    const b = JwtBundle.parseJwks(td, jwks({ ...jwk1, kid: 'a', use: 'sig' }, { ...jwk2, kid: 'b' }));
    assert.equal(b.size, 2);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['refuses a key without kid', jwks(jwk1), /keys\[0\]: member "kid" is required/],
    ['refuses a key with private material', jwks({ ...jwk1, kid: 'a', d: 'AAAA' }), /keys\[0\]: member "d" holds private key material/],
    ['refuses a key with a bad coordinate', jwks({ ...jwk1, kid: 'a', x: 'A+' }), /keys\[0\]: member "x" is not base64url/],
    ['refuses an RSA key under 2048 bits', jwks({ kty: 'RSA', kid: 'a', n: Buffer.alloc(128, 0xc1).toString('base64url'), e: 'AQAB' }), /at least 2048 bits/],
    ['refuses a kid given to two keys', jwks({ ...jwk1, kid: 'a' }, { ...jwk2, kid: 'a' }), /key ID "a" is used by two different keys/],
    ['refuses a document without keys', '{}', /member "keys" is required/],
    ['refuses keys that is not an array', '{"keys":{}}', /must be an array/],
    ['refuses a key that is not an object', '{"keys":[1]}', /keys\[0\] must be a JSON object/],
    ['refuses a document that is not an object', '[]', /document must be a JSON object/],
    ['refuses text that is not JSON', 'keys', /not valid JSON/],
    ['refuses a duplicated member name', `{"keys":[],"keys":${jwks(jwk1)}}`, /duplicate member name "keys"/],
    ['refuses too many keys', `{"keys":[${'{},'.repeat(MAX_BUNDLE_KEYS)}{}]}`, new RegExp(`at most ${MAX_BUNDLE_KEYS}`)],
  ];
  for (const [name, doc, msg] of refused) {
    it(name, () => assert.throws(() => JwtBundle.parseJwks(td, doc), (e: Error) => e instanceof BundleInvalidError && msg.test(e.message)));
  }
});
