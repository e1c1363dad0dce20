// Conformance tests for the SPIFFE bundle document: SPIFFE Trust Domain and Bundle §4 (JWK Set,
// §4.1.1 spiffe_sequence, §4.1.2 spiffe_refresh_hint, §4.1.3 keys, §4.2.1 kty, §4.2.2 use),
// §6.3 (duplicate JSON names), Appendix A and B examples; X509-SVID §6; JWT-SVID §6.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { BundleInvalidError, JwtSvidVerificationError, UnsupportedError } from '../errors.js';
import { SpiffeId, TrustDomain } from '../id/index.js';
import { publicKeyToJwk } from '../internal/jwk.js';
import { mintJwtSvid, parseAndValidateJwtSvid } from '../svid/jwt/index.js';
import { selfSignedCa } from './fixtures.test-helper.js';
import { JwtBundle } from './jwt-bundle.js';
import { SpiffeBundle } from './spiffe-bundle.js';
import type { IgnoredBundleKey } from './spiffe-bundle-json.js';
import { X509Bundle } from './x509-bundle.js';

const td = TrustDomain.parse('example.com');
const rsa1 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa2 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

// Appendix A: Certificate #1 and #2 of example.com.
const cert1 = selfSignedCa(rsa1.privateKey, rsa1.publicKey, {
  organization: 'example.com', uri: 'spiffe://example.com/', serialHex: 'dfd0adfd329fb81576f5d4b9e3beb5a7',
  notBefore: new Date('2019-01-01T08:00:45Z'), notAfter: new Date('2019-04-01T08:00:45Z'),
});
const cert2 = selfSignedCa(rsa2.privateKey, rsa2.publicKey, {
  organization: 'example.com', uri: 'spiffe://example.com/', serialHex: 'a4dc5f058aa2bf889da4fa1e9aa5db74',
  notBefore: new Date('2019-02-15T08:00:45Z'), notAfter: new Date('2019-07-01T08:00:45Z'),
});
const ecCert = selfSignedCa(ec.privateKey, ec.publicKey, { organization: 'example.com' });
const edCert = selfSignedCa(ed.privateKey, ed.publicKey);
const x5c = (der: Uint8Array) => Buffer.from(der).toString('base64');
const rsaJwk = (k: typeof rsa1) => publicKeyToJwk(k.publicKey);

const x509Entry = (key: typeof rsa1 | typeof ec, der: Uint8Array, extra: object = {}) => ({ ...publicKeyToJwk(key.publicKey), use: 'x509-svid', x5c: [x5c(der)], ...extra });
const jwtEntry = (kid: string, extra: object = {}) => ({ ...publicKeyToJwk(jwtKey.publicKey), kid, use: 'jwt-svid', ...extra });
const doc = (keys: unknown[], top: object = {}) => JSON.stringify({ ...top, keys });

function parseCollecting(json: string): { bundle: SpiffeBundle; ignored: IgnoredBundleKey[] } {
  const ignored: IgnoredBundleKey[] = [];
  return { bundle: SpiffeBundle.parse(td, json, { onIgnoredKey: (k) => ignored.push(k) }), ignored };
}

describe('the examples of the specification parse', () => {
  // Appendix A "Trust bundle #1" and "#2", with real certificates and the curly quotes of #2 straightened.
  const n1 = rsaJwk(rsa1);
  const n2 = rsaJwk(rsa2);
  const bundle1 = `{
        "spiffe_sequence": 1,
        "spiffe_refresh_hint": 2419200,
        "keys": [
                { "kty": "RSA", "use": "x509-svid", "x5c": ["${x5c(cert1)}"], "n": "${n1.kty === 'RSA' && n1.n}", "e": "AQAB" }
        ]
}`;
  const bundle2 = `{
        "spiffe_sequence": 2,
        "spiffe_refresh_hint": 2419200,
        "keys": [
                { "kty": "RSA", "use": "x509-svid", "x5c": ["${x5c(cert1)}"], "n": "${n1.kty === 'RSA' && n1.n}", "e": "AQAB" },
                { "kty": "RSA", "use": "x509-svid", "x5c": ["${x5c(cert2)}"], "n": "${n2.kty === 'RSA' && n2.n}", "e": "AQAB" }
        ]
}`;

  it('parses Appendix A trust bundle #1', () => {
    const { bundle, ignored } = parseCollecting(bundle1);
    assert.equal(bundle.sequenceNumber, 1n);
    assert.equal(bundle.refreshHint, 2419200);
    assert.deepEqual(bundle.x509Authorities(), [cert1]);
    assert.equal(bundle.jwtBundle().isEmpty(), true);
    assert.deepEqual(ignored, []);
  });

  it('parses Appendix A trust bundle #2, after the root rotation', () => {
    const bundle = SpiffeBundle.parse(td, bundle2);
    assert.equal(bundle.sequenceNumber, 2n);
    assert.deepEqual(bundle.x509Authorities(), [cert1, cert2]);
  });

  it('parses the bundle of the Appendix B bundle map, with an x509-svid and a jwt-svid RSA key', () => {
    const inner = `{ "spiffe_sequence": 12035488, "keys": [
        { "kty": "RSA", "use": "x509-svid", "x5c": ["${x5c(cert1)}"], "n": "${n1.kty === 'RSA' && n1.n}", "e": "AQAB" },
        { "kty": "RSA", "kid": "jwt-key-1", "use": "jwt-svid", "n": "${n2.kty === 'RSA' && n2.n}", "e": "AQAB" } ] }`;
    const bundle = SpiffeBundle.parse(td, inner);
    assert.equal(bundle.sequenceNumber, 12035488n);
    assert.equal(bundle.refreshHint, undefined);
    assert.deepEqual(bundle.x509Authorities(), [cert1]);
    assert.ok(bundle.jwtAuthorities().get('jwt-key-1')?.equals(rsa2.publicKey));
  });
});

describe('elements that must be ignored are ignored, and reported (§4.1.3, §4.2.1, §4.2.2)', () => {
  const cases: Array<[string, object, 'unknown' | 'invalid', RegExp]> = [
    ['ignores an element without "use" (§4.2.2)', { ...jwtEntry('a'), use: undefined }, 'unknown', /member "use" is missing/],
    ['ignores an unknown use value (§4.2.2)', jwtEntry('a', { use: 'wit-svid' }), 'unknown', /"use" is "wit-svid"/],
    ['ignores a use value in the wrong case, since values are case sensitive (§4.2.2)', jwtEntry('a', { use: 'JWT-SVID' }), 'unknown', /"use" is "JWT-SVID"/],
    ['ignores the generic use "sig" (§4.2.2)', jwtEntry('a', { use: 'sig' }), 'unknown', /"use" is "sig"/],
    ['ignores an unknown key type (§4.2.1)', { kty: 'OKP', crv: 'Ed25519', x: 'AAAA', kid: 'a', use: 'jwt-svid' }, 'unknown', /key type "OKP"/],
    ['ignores an EC key on an unknown curve (§4.2.1)', { kty: 'EC', crv: 'secp256k1', x: 'AA', y: 'AA', kid: 'a', use: 'jwt-svid' }, 'unknown', /\(crv "secp256k1"\)/],
    ['ignores an element without "kty" (§4.2.1: it MUST be set)', { ...jwtEntry('a'), kty: undefined }, 'invalid', /member "kty" is required/],
    ['ignores a jwt-svid key without kid (JWT-SVID §6.1)', { ...jwtEntry('a'), kid: undefined }, 'invalid', /member "kid" is required for a jwt-svid key/],
    ['ignores a jwt-svid key with an empty kid', jwtEntry(''), 'invalid', /member "kid" is required/],
    ['ignores a jwt-svid RSA key under 2048 bits', { kty: 'RSA', kid: 'a', use: 'jwt-svid', n: Buffer.alloc(128, 0xc1).toString('base64url'), e: 'AQAB' }, 'invalid', /at least 2048 bits/],
    ['ignores a key carrying private material', jwtEntry('a', { d: 'AAAA' }), 'invalid', /member "d" holds private key material/],
    ['ignores a key with a coordinate that is not base64url', jwtEntry('a', { x: 'a+b/' }), 'invalid', /member "x" is not base64url/],
    ['ignores an x509-svid element without x5c (X509-SVID §6.2)', { ...x509Entry(ec, ecCert), x5c: undefined }, 'invalid', /member "x5c" is required/],
    ['ignores an x509-svid element with an empty x5c (X509-SVID §6.2)', x509Entry(ec, ecCert, { x5c: [] }), 'invalid', /member "x5c" is required/],
    ['ignores an x5c value in base64url instead of base64', x509Entry(ec, ecCert, { x5c: [Buffer.from(ecCert).toString('base64url')] }), 'invalid', /x5c\[0\]/],
    ['ignores an x5c value that is not a certificate', x509Entry(ec, ecCert, { x5c: [Buffer.from('not a certificate').toString('base64')] }), 'invalid', /x5c\[0\] is not a DER X.509 certificate/],
    ['ignores an x509-svid element whose key does not match its certificate (RFC 7517 §4.7)', x509Entry(ec, cert1), 'invalid', /does not match the public key of the x5c\[0\] certificate/],
  ];
  for (const [name, bad, kind, msg] of cases) {
    it(name, () => {
      const { bundle, ignored } = parseCollecting(doc([x509Entry(ec, ecCert), bad, jwtEntry('good')]));
      assert.deepEqual(bundle.x509Authorities(), [ecCert]);
      assert.deepEqual([...bundle.jwtAuthorities().keys()], ['good']);
      assert.equal(ignored.length, 1);
      assert.equal(ignored[0]?.index, 1);
      assert.equal(ignored[0]?.kind, kind);
      assert.match(ignored[0]?.reason ?? '', msg);
      assert.match(ignored[0]?.reason ?? '', /^spiffebundle: keys\[1\]/);
    });
  }

  it('uses only the first certificate of an x5c with two, ignoring the second (X509-SVID §6.2)', () => {
    const { bundle, ignored } = parseCollecting(doc([x509Entry(rsa1, cert1, { x5c: [x5c(cert1), x5c(cert2)] })]));
    assert.deepEqual(bundle.x509Authorities(), [cert1]);
    assert.deepEqual(ignored, []);
  });

  it('does not even decode x5c values after the first', () => {
    assert.deepEqual(SpiffeBundle.parse(td, doc([x509Entry(ec, ecCert, { x5c: [x5c(ecCert), '%%% not base64 %%%'] })])).x509Authorities(), [ecCert]);
  });

  it('accepts an x509-svid element that sets kid although publishers must not (X509-SVID §6.1)', () => {
    const bundle = SpiffeBundle.parse(td, doc([x509Entry(ec, ecCert, { kid: 'should-not-be-here' })]));
    assert.deepEqual(bundle.x509Authorities(), [ecCert]);
    assert.equal(bundle.jwtBundle().isEmpty(), true);
  });

  it('lets onIgnoredKey refuse the document by throwing', () => {
    const strict = { onIgnoredKey: (k: IgnoredBundleKey) => { throw new BundleInvalidError(k.reason); } };
    assert.throws(() => SpiffeBundle.parse(td, doc([{ ...jwtEntry('a'), kid: undefined }]), strict), /member "kid" is required/);
  });

  it('yields an empty bundle, which trusts nothing, when no element is usable (§4.1.3)', () => {
    const { bundle, ignored } = parseCollecting(doc([jwtEntry('a', { use: 'wit-svid' })]));
    assert.equal(bundle.isEmpty(), true);
    assert.equal(ignored.length, 1);
  });
});

describe('documents that are refused as a whole', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['refuses a document without "keys" (§4.1.3: it MUST be present)', '{"spiffe_sequence":1}', /member "keys" is required/],
    ['refuses "keys" that is not an array', '{"keys":null}', /must be an array/],
    ['refuses an element of "keys" that is not an object', '{"keys":["AAAA"]}', /keys\[0\] must be a JSON object/],
    ['refuses text that is not JSON', '{"keys":[}', /not valid JSON/],
    ['refuses a duplicated member name (§6.3)', '{"keys":[],"spiffe_sequence":1,"spiffe_sequence":2}', /duplicate member name "spiffe_sequence"/],
    ['refuses a duplicated member inside a key (§6.3)', `{"keys":[{"kty":"EC","kty":"RSA"}]}`, /duplicate member name "kty"/],
    ['refuses two jwt-svid keys sharing a kid', doc([jwtEntry('a'), { ...publicKeyToJwk(ec.publicKey), kid: 'a', use: 'jwt-svid' }]), /key ID "a" is used by two different keys/],
    ['refuses pathological nesting', `{"keys":[],"x":${'['.repeat(20)}${']'.repeat(20)}}`, /nesting deeper than 16 levels/],
    ['refuses a negative spiffe_sequence', '{"keys":[],"spiffe_sequence":-1}', /"spiffe_sequence" must be a non-negative integer \(got -1\)/],
    ['refuses a fractional spiffe_sequence (§4.1.1: an integer)', '{"keys":[],"spiffe_sequence":1.5}', /"spiffe_sequence" must be a non-negative integer/],
    ['refuses a string spiffe_sequence', '{"keys":[],"spiffe_sequence":"1"}', /"spiffe_sequence" must be a non-negative integer \(got "1"\)/],
    ['refuses a null spiffe_sequence', '{"keys":[],"spiffe_sequence":null}', /"spiffe_sequence" must be a non-negative integer \(got null\)/],
    ['refuses a spiffe_sequence of 2^64', '{"keys":[],"spiffe_sequence":18446744073709551616}', /must fit in 64 bits/],
    ['refuses a spiffe_sequence in exponent form that a double cannot hold', '{"keys":[],"spiffe_sequence":1e19}', /written as plain digits/],
    ['refuses a negative spiffe_refresh_hint (§4.1.2)', '{"keys":[],"spiffe_refresh_hint":-5}', /"spiffe_refresh_hint" must be a non-negative integer/],
    ['refuses a fractional spiffe_refresh_hint (§4.1.2: an integer)', '{"keys":[],"spiffe_refresh_hint":0.5}', /"spiffe_refresh_hint"/],
    ['refuses a huge spiffe_refresh_hint', '{"keys":[],"spiffe_refresh_hint":99999999999999999999}', /"spiffe_refresh_hint"/],
  ];
  for (const [name, json, msg] of cases) {
    it(name, () => assert.throws(() => SpiffeBundle.parse(td, json), (e: Error) => e instanceof BundleInvalidError && msg.test(e.message)));
  }
});

describe('sequence number and refresh hint (§4.1.1, §4.1.2)', () => {
  const exact: Array<[string, string, bigint]> = [
    ['reads 2^64 - 1 exactly', '18446744073709551615', (1n << 64n) - 1n],
    ['reads 2^53 + 1 exactly, which a double would round', '9007199254740993', 9007199254740993n],
    ['reads 0', '0', 0n],
  ];
  for (const [name, digits, want] of exact) {
    it(name, () => {
      const bundle = SpiffeBundle.parse(td, `{"spiffe_sequence": ${digits}, "keys": []}`);
      assert.equal(bundle.sequenceNumber, want);
      assert.match(bundle.toJson(), new RegExp(`"spiffe_sequence":${digits},`));
      assert.equal(SpiffeBundle.parse(td, bundle.toJson()).sequenceNumber, want);
    });
  }

  it('leaves both unset when absent, and writes neither', () => {
    const bundle = SpiffeBundle.parse(td, '{"keys":[]}');
    assert.equal(bundle.sequenceNumber, undefined);
    assert.equal(bundle.refreshHint, undefined);
    assert.equal(bundle.toJson(), '{"keys":[]}');
  });

  it('ignores JWK Set members it does not know (§4.1: implementations MUST NOT require them)', () => {
    assert.equal(SpiffeBundle.parse(td, '{"keys":[],"spiffe_refresh_hint":60,"x-vendor":{"a":[1]}}').refreshHint, 60);
  });

  it('sets, replaces and removes them immutably', () => {
    const b = SpiffeBundle.empty(td).withSequenceNumber(7n).withRefreshHint(300);
    assert.equal(b.sequenceNumber, 7n);
    assert.equal(b.refreshHint, 300);
    assert.equal(b.withSequenceNumber(undefined).sequenceNumber, undefined);
    assert.equal(b.withRefreshHint(undefined).refreshHint, undefined);
    assert.equal(b.sequenceNumber, 7n);
  });

  const misuse: Array<[string, () => unknown]> = [
    ['throws TypeError for a negative sequence number', () => SpiffeBundle.empty(td).withSequenceNumber(-1n)],
    ['throws TypeError for a sequence number of 2^64', () => SpiffeBundle.empty(td).withSequenceNumber(1n << 64n)],
    ['throws TypeError for a number sequence number', () => SpiffeBundle.empty(td).withSequenceNumber(3 as unknown as bigint)],
    ['throws TypeError for a fractional refresh hint', () => SpiffeBundle.empty(td).withRefreshHint(1.5)],
  ];
  for (const [name, run] of misuse) it(name, () => assert.throws(run, TypeError));
});

describe('writing SPIFFE bundle documents', () => {
  const jwt = JwtBundle.fromKeys(td, [['k1', jwtKey.publicKey], ['k-rsa', rsa2.publicKey]]);
  const x509 = X509Bundle.fromAuthorities(td, [cert1, ecCert]);
  const bundle = SpiffeBundle.fromX509AndJwt(x509, jwt, { sequenceNumber: 42n, refreshHint: 300 });

  it('round-trips X.509 and JWT authorities and metadata', () => {
    const again = SpiffeBundle.parse(td, bundle.toJson());
    assert.ok(again.equals(bundle));
    assert.deepEqual(again.x509Authorities(), [cert1, ecCert]);
  });

  it('marks every element with its use; x509-svid elements have x5c and no kid, jwt-svid elements have kid', () => {
    const parsed = JSON.parse(bundle.toJson()) as { keys: Array<Record<string, unknown>> };
    const uses = parsed.keys.map((k) => k['use']);
    assert.deepEqual(uses, ['x509-svid', 'x509-svid', 'jwt-svid', 'jwt-svid']);
    for (const k of parsed.keys.slice(0, 2)) {
      assert.equal(k['kid'], undefined);
      assert.equal((k['x5c'] as unknown[]).length, 1);
    }
    assert.deepEqual(parsed.keys.slice(2).map((k) => k['kid']), ['k1', 'k-rsa']);
  });

  it('writes the X.509 key members from the certificate, so the element is self-consistent', () => {
    const parsed = JSON.parse(bundle.toJson()) as { keys: Array<Record<string, unknown>> };
    assert.deepEqual({ ...parsed.keys[1], use: undefined, x5c: undefined }, { ...publicKeyToJwk(ec.publicKey), use: undefined, x5c: undefined });
  });

  it('round-trips a PEM bundle through a SPIFFE bundle document', () => {
    const pem = X509Bundle.fromAuthorities(td, [cert1, cert2, ecCert]).toPem();
    const fromPem = SpiffeBundle.fromX509AndJwt(X509Bundle.parsePem(td, pem), JwtBundle.empty(td));
    assert.equal(SpiffeBundle.parse(td, fromPem.toJson()).x509Bundle().toPem(), pem);
  });

  it('refuses to write an X.509 authority whose key a JWK here cannot express', () => {
    const b = SpiffeBundle.empty(td).withX509Bundle(X509Bundle.fromAuthorities(td, [edCert]));
    assert.throws(() => b.toJson(), (e: Error) => e instanceof UnsupportedError && /X.509 authority 0/.test(e.message));
  });
});

describe('SpiffeBundle as a value and as a source', () => {
  const other = TrustDomain.parse('other.example');
  const a = SpiffeBundle.fromX509AndJwt(X509Bundle.fromAuthorities(td, [cert1, ecCert]), JwtBundle.fromKeys(td, [['k', jwtKey.publicKey]]), { sequenceNumber: 1n });

  it('compares authorities in any order, and metadata', () => {
    const b = SpiffeBundle.fromX509AndJwt(X509Bundle.fromAuthorities(td, [ecCert, cert1]), JwtBundle.fromKeys(td, [['k', jwtKey.publicKey]]), { sequenceNumber: 1n });
    assert.ok(a.equals(b));
    assert.equal(a.equals(b.withSequenceNumber(2n)), false);
    assert.equal(a.equals(b.withRefreshHint(1)), false);
    assert.equal(a.equals(b.withJwtBundle(JwtBundle.empty(td))), false);
    assert.equal(a.equals(b.withX509Bundle(X509Bundle.fromAuthorities(td, [ecCert, cert2]))), false);
  });

  it('answers the three source interfaces for its own trust domain only', () => {
    assert.equal(a.getX509BundleForTrustDomain(td), a.x509Bundle());
    assert.equal(a.getJwtBundleForTrustDomain(td), a.jwtBundle());
    assert.equal(a.getSpiffeBundleForTrustDomain(td), a);
    assert.equal(a.getX509BundleForTrustDomain(other), undefined);
    assert.equal(a.getJwtBundleForTrustDomain(other), undefined);
    assert.equal(a.getSpiffeBundleForTrustDomain(other), undefined);
  });

  it('refuses to combine bundles of two trust domains (TypeError)', () => {
    assert.throws(() => SpiffeBundle.fromX509AndJwt(X509Bundle.empty(td), JwtBundle.empty(other)), TypeError);
    assert.throws(() => a.withJwtBundle(JwtBundle.empty(other)), TypeError);
  });

  it('validates JWT-SVIDs only with jwt-svid keys, never with X.509 authority keys (JWT-SVID §6.2)', () => {
    const id = SpiffeId.parse('spiffe://example.com/web');
    const now = new Date('2025-01-01T00:00:00Z');
    const bundle = SpiffeBundle.parse(td, doc([x509Entry(ec, ecCert, { kid: 'ca' }), jwtEntry('k')]));
    const forged = mintJwtSvid({ id, audience: 'api', key: ec.privateKey, kid: 'ca', now, ttlSeconds: 60 });
    assert.throws(() => parseAndValidateJwtSvid(forged, bundle, { audience: 'api', now }), JwtSvidVerificationError);
    const genuine = mintJwtSvid({ id, audience: 'api', key: jwtKey.privateKey, kid: 'k', now, ttlSeconds: 60 });
    assert.ok(parseAndValidateJwtSvid(genuine, bundle, { audience: 'api', now }).id.equals(id));
  });

  it('uses fixtures that are real self-signed CA certificates like those of Appendix A', () => {
    const c = new X509Certificate(cert1);
    assert.ok(c.verify(rsa1.publicKey));
    assert.ok(c.ca);
    assert.equal(c.subject, 'O=example.com');
    assert.equal(c.serialNumber.toLowerCase(), 'dfd0adfd329fb81576f5d4b9e3beb5a7');
    assert.equal(c.subjectAltName, 'URI:spiffe://example.com/');
    assert.equal(new Date(c.validTo).toISOString(), '2019-04-01T08:00:45.000Z');
    assert.ok(new X509Certificate(ecCert).verify(ec.publicKey));
    assert.ok(new X509Certificate(edCert).verify(ed.publicKey));
  });
});
