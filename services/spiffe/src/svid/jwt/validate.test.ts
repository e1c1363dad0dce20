// Conformance tests for JWT-SVID validation: §1/§5.1 (compact serialization), §2 (JOSE header),
// §2.1 (alg), §2.2 (kid), §2.3 (typ), §3.1 (sub), §3.2 (aud), §3.3 (exp), §4 (validation),
// Appendix A, and SPIFFE Trust Domain and Bundle §4.1.3 (an empty bundle trusts nothing).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  BundleNotFoundError,
  JwtSvidAudienceError,
  JwtSvidExpiredError,
  JwtSvidInvalidError,
  JwtSvidVerificationError,
} from '../../errors.js';
import { SpiffeId, TrustDomain } from '../../id/index.js';
import { JwtBundle } from '../../bundle/jwt-bundle.js';
import { JwtBundleSet } from '../../bundle/set.js';
import { publicKeyToJwk } from '../../internal/jwk.js';
import { JWT_SVID_ALGORITHMS, MAX_CLOCK_SKEW_SECONDS, MAX_JWT_SVID_LENGTH, mintJwtSvid, parseAndValidateJwtSvid, parseInsecureJwtSvid, type JwtSvidAlgorithm } from './index.js';

const td = TrustDomain.parse('example.org');
const id = SpiffeId.parse('spiffe://example.org/ns/prod/sa/web');
const NOW = new Date('2025-06-01T12:00:00Z');
const T = NOW.getTime() / 1000;

const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ec521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const bundle = JwtBundle.fromKeys(td, [
  ['ec256', ec256.publicKey],
  ['ec384', ec384.publicKey],
  ['ec521', ec521.publicKey],
  ['rsa', rsa.publicKey],
]);
const opts = { audience: 'spiffe://example.org/reports', now: NOW };

const KEY_FOR: Record<JwtSvidAlgorithm, [string, KeyObject]> = {
  ES256: ['ec256', ec256.privateKey],
  ES384: ['ec384', ec384.privateKey],
  ES512: ['ec521', ec521.privateKey],
  RS256: ['rsa', rsa.privateKey],
  RS384: ['rsa', rsa.privateKey],
  RS512: ['rsa', rsa.privateKey],
  PS256: ['rsa', rsa.privateKey],
  PS384: ['rsa', rsa.privateKey],
  PS512: ['rsa', rsa.privateKey],
};

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Signs arbitrary header and claims (as objects or raw JSON text) with ES256 and the ec256 key, or a given signer. */
function craft(header: unknown, claims: unknown, signer: (input: Buffer) => Buffer = (i) => sign('sha256', i, { key: ec256.privateKey, dsaEncoding: 'ieee-p1363' })): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${signer(Buffer.from(input)).toString('base64url')}`;
}
const H = { alg: 'ES256', kid: 'ec256', typ: 'JWT' };
const C = { sub: id.toString(), aud: 'spiffe://example.org/reports', exp: T + 300, iat: T };
const good = (p: Partial<Parameters<typeof mintJwtSvid>[0]> = {}) =>
  mintJwtSvid({ id, audience: 'spiffe://example.org/reports', key: ec256.privateKey, kid: 'ec256', now: NOW, ttlSeconds: 300, ...p } as Parameters<typeof mintJwtSvid>[0]);

describe('round-trips for every JWT-SVID algorithm (§2.1)', () => {
  for (const alg of JWT_SVID_ALGORITHMS) {
    it(`mints and validates an ${alg} token`, () => {
      const [kid, key] = KEY_FOR[alg];
      const token = mintJwtSvid({ id, audience: 'spiffe://example.org/reports', key, kid, alg, now: NOW, ttlSeconds: 60 });
      const svid = parseAndValidateJwtSvid(token, bundle, opts);
      assert.ok(svid.id.equals(id));
      assert.deepEqual(svid.header, { alg, kid, typ: 'JWT' });
      assert.deepEqual(svid.audience, ['spiffe://example.org/reports']);
      assert.equal(svid.expiresAt.getTime(), NOW.getTime() + 60_000);
      assert.equal(svid.issuedAt?.getTime(), NOW.getTime());
      assert.equal(svid.token, token);
    });
  }
});

describe('algorithm confusion is refused (§2.1, §4)', () => {
  const hmacWith = (secret: Buffer | string) => (i: Buffer) => createHmac('sha256', secret).update(i).digest();
  const spkiPem = ec256.publicKey.export({ format: 'pem', type: 'spki' });
  const jwkText = JSON.stringify(publicKeyToJwk(ec256.publicKey));
  const cases: Array<[string, string, new (...a: never[]) => Error, RegExp]> = [
    ['rejects a token with alg none and no signature', `${b64({ alg: 'none', kid: 'ec256' })}.${b64(C)}.`, JwtSvidInvalidError, /"alg" is "none"/],
    ['rejects a token with alg none and a signature', craft({ alg: 'none', kid: 'ec256' }, C), JwtSvidInvalidError, /"alg" is "none"/],
    ['rejects HS256 keyed with the PEM public key', craft({ alg: 'HS256', kid: 'ec256' }, C, hmacWith(spkiPem)), JwtSvidInvalidError, /"alg" is "HS256"/],
    ['rejects HS256 keyed with the JWK public key', craft({ alg: 'HS256', kid: 'ec256' }, C, hmacWith(jwkText)), JwtSvidInvalidError, /"alg" is "HS256"/],
    ['rejects HS512', craft({ alg: 'HS512', kid: 'ec256' }, C), JwtSvidInvalidError, /"alg" is "HS512"/],
    ['rejects EdDSA', craft({ alg: 'EdDSA', kid: 'ec256' }, C), JwtSvidInvalidError, /"alg" is "EdDSA"/],
    ['rejects a lowercase alg', craft({ alg: 'es256', kid: 'ec256' }, C), JwtSvidInvalidError, /"alg" is "es256"/],
    ['rejects a missing alg', craft({ kid: 'ec256' }, C), JwtSvidInvalidError, /"alg" is missing/],
    ['rejects an alg that is not a string', craft({ alg: ['ES256'], kid: 'ec256' }, C), JwtSvidInvalidError, /"alg" is \["ES256"\]/],
    ['rejects ES256 naming an RSA key', craft({ alg: 'ES256', kid: 'rsa' }, C), JwtSvidVerificationError, /ES256 needs an EC key, not an RSA key/],
    ['rejects RS256 naming an EC key', craft({ alg: 'RS256', kid: 'ec256' }, C, (i) => sign('sha256', i, rsa.privateKey)), JwtSvidVerificationError, /RS256 needs an RSA key/],
    ['rejects ES384 naming a P-256 key', craft({ alg: 'ES384', kid: 'ec256' }, C), JwtSvidVerificationError, /ES384 needs an EC key on P-384/],
    [
      'rejects an RS256 signature presented as PS256',
      craft({ alg: 'PS256', kid: 'rsa' }, C, (i) => sign('sha256', i, rsa.privateKey)),
      JwtSvidVerificationError,
      /PS256 signature does not verify/,
    ],
    [
      'rejects a PS256 signature with a salt shorter than the hash (RFC 7518 §3.5)',
      craft({ alg: 'PS256', kid: 'rsa' }, C, (i) => sign('sha256', i, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 0 })),
      JwtSvidVerificationError,
      /does not verify/,
    ],
    [
      'rejects an ES256 signature in DER instead of raw r||s',
      craft(H, C, (i) => sign('sha256', i, ec256.privateKey)),
      JwtSvidVerificationError,
      /ES256 signature does not verify/,
    ],
  ];
  for (const [name, token, Err, msg] of cases) {
    it(name, () => assert.throws(() => parseAndValidateJwtSvid(token, bundle, opts), (e: Error) => e instanceof Err && msg.test(e.message)));
  }
});

describe('JOSE header rules (§2, §2.2, §2.3)', () => {
  const accepted: Array<[string, object]> = [
    ['accepts typ "JWT"', { alg: 'ES256', kid: 'ec256', typ: 'JWT' }],
    ['accepts typ "JOSE"', { alg: 'ES256', kid: 'ec256', typ: 'JOSE' }],
    ['accepts a header without typ', { alg: 'ES256', kid: 'ec256' }],
  ];
  for (const [name, header] of accepted) {
    it(name, () => assert.deepEqual(parseAndValidateJwtSvid(craft(header, C), bundle, opts).header, header));
  }

  const rejected: Array<[string, string, new (...a: never[]) => Error, RegExp]> = [
    ['rejects typ "at+jwt"', craft({ ...H, typ: 'at+jwt' }, C), JwtSvidInvalidError, /"typ" is "at\+jwt"/],
    ['rejects a lowercase typ "jwt"', craft({ ...H, typ: 'jwt' }, C), JwtSvidInvalidError, /"typ" is "jwt"/],
    ['rejects a header carrying "jku"', craft({ ...H, jku: 'https://evil.example/jwks' }, C), JwtSvidInvalidError, /member "jku" is not allowed/],
    ['rejects a header carrying an embedded "jwk"', craft({ ...H, jwk: publicKeyToJwk(other.publicKey) }, C), JwtSvidInvalidError, /member "jwk" is not allowed/],
    ['rejects a header carrying "crit"', craft({ ...H, crit: ['exp'] }, C), JwtSvidInvalidError, /member "crit" is not allowed/],
    ['rejects a header without kid', craft({ alg: 'ES256', typ: 'JWT' }, C), JwtSvidInvalidError, /"kid" is required/],
    ['rejects an empty kid', craft({ ...H, kid: '' }, C), JwtSvidInvalidError, /"kid" must be a non-empty string/],
    ['rejects a numeric kid', craft({ ...H, kid: 1 }, C), JwtSvidInvalidError, /"kid" must be a non-empty string/],
    ['rejects a kid the bundle does not hold', craft({ ...H, kid: 'unknown' }, C), JwtSvidVerificationError, /no JWT authority with kid "unknown"/],
    ['rejects a duplicated header member', craft('{"alg":"ES256","kid":"ec256","alg":"ES256"}', C), JwtSvidInvalidError, /duplicate member name "alg"/],
    ['rejects a header that is not JSON', craft('{alg:ES256}', C), JwtSvidInvalidError, /header is not valid JSON/],
    ['rejects a header that is an array', craft('["ES256"]', C), JwtSvidInvalidError, /header must be a JSON object/],
  ];
  for (const [name, token, Err, msg] of rejected) {
    it(name, () => assert.throws(() => parseAndValidateJwtSvid(token, bundle, opts), (e: Error) => e instanceof Err && msg.test(e.message)));
  }
});

describe('compact serialization only (§1, §5.1)', () => {
  const token = good();
  const [h = '', p = '', s = ''] = token.split('.');
  const cases: Array<[string, string, RegExp]> = [
    ['rejects two parts', `${h}.${p}`, /Compact Serialization/],
    ['rejects four parts', `${token}.${s}`, /Compact Serialization/],
    ['rejects five parts (a JWE)', `${h}.${p}.${s}.${s}.${s}`, /Compact Serialization/],
    ['rejects JWS JSON Serialization', JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] }), /JWS JSON Serialization is not allowed/],
    ['rejects an empty token', '', /token is empty/],
    ['rejects an empty signature', `${h}.${p}.`, /signature part is empty/],
    ['rejects padding in the payload', `${h}.${p}==.${s}`, /payload is not base64url/],
    ['rejects a non-canonical signature encoding', `${h}.${p}.${s.slice(0, -1)}${String.fromCharCode(s.charCodeAt(s.length - 1) + 1)}`, /signature is not canonical/],
    ['rejects a token over the length limit', `${h}.${'A'.repeat(MAX_JWT_SVID_LENGTH)}.${s}`, /at most 65536/],
  ];
  for (const [name, t, msg] of cases) {
    it(name, () => assert.throws(() => parseAndValidateJwtSvid(t, bundle, opts), (e: Error) => e instanceof JwtSvidInvalidError && msg.test(e.message)));
  }

  it('throws TypeError for a token that is not a string', () => {
    assert.throws(() => parseAndValidateJwtSvid(42 as unknown as string, bundle, opts), TypeError);
  });
});

describe('tampering is detected (§4)', () => {
  const token = good();
  const [h = '', , s = ''] = token.split('.');
  const forged = `${h}.${b64({ ...C, sub: 'spiffe://example.org/admin' })}.${s}`;
  const sig = Buffer.from(s, 'base64url');
  sig[5] = (sig[5] ?? 0) ^ 0x01;
  const cases: Array<[string, string]> = [
    ['rejects a token whose payload was changed', forged],
    ['rejects a token whose signature has one bit flipped', `${token.slice(0, token.lastIndexOf('.'))}.${sig.toString('base64url')}`],
    ['rejects a token signed by a key outside the bundle under a known kid', craft(H, C, (i) => sign('sha256', i, { key: other.privateKey, dsaEncoding: 'ieee-p1363' }))],
    ['rejects an ES256 signature that is one byte short', `${token.slice(0, token.lastIndexOf('.'))}.${sig.subarray(1).toString('base64url')}`],
  ];
  for (const [name, t] of cases) it(name, () => assert.throws(() => parseAndValidateJwtSvid(t, bundle, opts), JwtSvidVerificationError));
});

describe('subject (§3.1) and the bundle it selects', () => {
  const evilTd = TrustDomain.parse('evil.example');
  const evilBundle = JwtBundle.fromKeys(evilTd, [['ec256', other.publicKey]]);
  const cases: Array<[string, string, object, new (...a: never[]) => Error, RegExp]> = [
    ['rejects a token without sub', craft(H, { ...C, sub: undefined }), bundle, JwtSvidInvalidError, /"sub" is required/],
    ['rejects a sub that is not a SPIFFE ID', craft(H, { ...C, sub: 'web' }), bundle, JwtSvidInvalidError, /"sub" is not a valid SPIFFE ID/],
    ['rejects a sub with an uppercase trust domain', craft(H, { ...C, sub: 'spiffe://Example.org/web' }), bundle, JwtSvidInvalidError, /"sub" is not a valid SPIFFE ID/],
    ['rejects a sub with a dot segment', craft(H, { ...C, sub: 'spiffe://example.org/a/../b' }), bundle, JwtSvidInvalidError, /"sub"/],
    ['rejects a numeric sub', craft(H, { ...C, sub: 7 }), bundle, JwtSvidInvalidError, /"sub" is required and must be a SPIFFE ID string/],
    [
      'rejects a sub in a trust domain with no bundle',
      craft(H, { ...C, sub: 'spiffe://elsewhere.example/web' }),
      bundle,
      BundleNotFoundError,
      /no JWT bundle for trust domain "elsewhere.example"/,
    ],
    [
      'rejects a token whose sub claims another trust domain than the key that signed it',
      craft(H, C, (i) => sign('sha256', i, { key: other.privateKey, dsaEncoding: 'ieee-p1363' })),
      new JwtBundleSet([bundle, evilBundle]),
      JwtSvidVerificationError,
      /does not verify/,
    ],
  ];
  for (const [name, token, source, Err, msg] of cases) {
    it(name, () =>
      assert.throws(() => parseAndValidateJwtSvid(token, source as JwtBundle, opts), (e: Error) => e instanceof Err && msg.test(e.message)),
    );
  }

  it('validates against the bundle of the sub trust domain in a set', () => {
    const evilToken = craft(H, { ...C, sub: 'spiffe://evil.example/x' }, (i) => sign('sha256', i, { key: other.privateKey, dsaEncoding: 'ieee-p1363' }));
    const set = new JwtBundleSet([bundle, evilBundle]);
    assert.equal(parseAndValidateJwtSvid(evilToken, set, opts).id.toString(), 'spiffe://evil.example/x');
    assert.equal(parseAndValidateJwtSvid(good(), set, opts).id.toString(), id.toString());
  });

  it('rejects every token when the trust domain publishes an empty bundle (Trust Domain and Bundle §4.1.3)', () => {
    assert.throws(() => parseAndValidateJwtSvid(good(), JwtBundle.empty(td), opts), JwtSvidVerificationError);
  });
});

describe('audience (§3.2, §7.2)', () => {
  const multi = craft(H, { ...C, aud: ['spiffe://example.org/reports', 'spiffe://example.org/billing'] });
  const accepted: Array<[string, string, string | string[]]> = [
    ['accepts a single audience equal to the expected one', good(), 'spiffe://example.org/reports'],
    ['accepts a token with several audiences when one is the expected one', multi, 'spiffe://example.org/billing'],
    ['accepts when one of several names the validator identifies with is present', good(), ['reports', 'spiffe://example.org/reports']],
  ];
  for (const [name, token, audience] of accepted) it(name, () => assert.ok(parseAndValidateJwtSvid(token, bundle, { audience, now: NOW })));

  it('reports every audience of the token', () => {
    assert.deepEqual(parseAndValidateJwtSvid(multi, bundle, opts).audience, ['spiffe://example.org/reports', 'spiffe://example.org/billing']);
  });

  const rejected: Array<[string, string, string | string[], new (...a: never[]) => Error, RegExp]> = [
    ['rejects a token for another audience', good(), 'spiffe://example.org/billing', JwtSvidAudienceError, /does not contain the expected audience/],
    ['rejects when none of the expected audiences is present', multi, ['a', 'b'], JwtSvidAudienceError, /does not contain/],
    ['rejects an audience that differs only in case', good(), 'spiffe://example.org/Reports', JwtSvidAudienceError, /does not contain/],
    ['rejects a token without aud', craft(H, { ...C, aud: undefined }), 'x', JwtSvidInvalidError, /"aud" is required/],
    ['rejects an empty aud array', craft(H, { ...C, aud: [] }), 'x', JwtSvidInvalidError, /non-empty array/],
    ['rejects a numeric aud', craft(H, { ...C, aud: 5 }), 'x', JwtSvidInvalidError, /"aud" must be a string/],
    ['rejects an aud array holding a non-string', craft(H, { ...C, aud: ['x', 5] }), 'x', JwtSvidInvalidError, /every value of claim "aud"/],
  ];
  for (const [name, token, audience, Err, msg] of rejected) {
    it(name, () => assert.throws(() => parseAndValidateJwtSvid(token, bundle, { audience, now: NOW }), (e: Error) => e instanceof Err && msg.test(e.message)));
  }
});

describe('expiration (§3.3) and not-before, with clock skew', () => {
  const at = (ms: number) => new Date(NOW.getTime() + ms);
  const exp = T + 300;
  const token = craft(H, { ...C, exp });
  const future = craft(H, { ...C, nbf: T + 60 });
  const cases: Array<[string, string, Date, number, boolean]> = [
    ['accepts a token one millisecond before exp', token, at(300_000 - 1), 0, true],
    ['rejects a token at exactly exp (RFC 7519 §4.1.4: now must be before exp)', token, at(300_000), 0, false],
    ['rejects a token one second past exp without skew', token, at(301_000), 0, false],
    ['accepts a token 29 s past exp with 30 s of skew', token, at(329_000), 30, true],
    ['rejects a token 30 s past exp with 30 s of skew', token, at(330_000), 30, false],
    ['rejects a token whose nbf is in the future', future, NOW, 0, false],
    ['accepts a token whose nbf is within the skew', future, NOW, 60, true],
    ['accepts a token from nbf on', future, at(60_000), 0, true],
  ];
  for (const [name, t, now, clockSkewSeconds, ok] of cases) {
    it(name, () => {
      const run = () => parseAndValidateJwtSvid(t, bundle, { ...opts, now, clockSkewSeconds });
      if (ok) assert.ok(run());
      else assert.throws(run, JwtSvidExpiredError);
    });
  }

  const bad: Array<[string, object | null, RegExp]> = [
    ['rejects a token without exp', { ...C, exp: undefined }, /"exp" is required/],
    ['rejects a string exp', { ...C, exp: String(exp) }, /"exp" must be an integer/],
    ['rejects a fractional exp (JWT-SVID.schema: integer)', { ...C, exp: exp + 0.5 }, /"exp" must be an integer/],
    ['rejects an exp beyond the range of dates', { ...C, exp: 9e15 }, /"exp" must be an integer/],
    ['rejects a string nbf', { ...C, nbf: 'soon' }, /"nbf" must be a number/],
    ['rejects a string iat', { ...C, iat: 'now' }, /"iat" must be a number/],
    ['rejects a numeric iss', { ...C, iss: 1 }, /"iss" must be a string/],
    ['rejects a duplicated claim', null, /duplicate member name "sub"/],
  ];
  for (const [name, claims, msg] of bad) {
    const t = claims === null ? craft(H, `{"sub":"${id}","aud":"x","exp":${exp},"sub":"spiffe://example.org/admin"}`) : craft(H, claims);
    it(name, () => assert.throws(() => parseAndValidateJwtSvid(t, bundle, opts), (e: Error) => e instanceof JwtSvidInvalidError && msg.test(e.message)));
  }

  it('does not reject an iat in the future (JWT-SVID sets no rule on it)', () => {
    const svid = parseAndValidateJwtSvid(craft(H, { ...C, iat: T + 3600 }), bundle, opts);
    assert.equal(svid.issuedAt?.getTime(), (T + 3600) * 1000);
  });

  it('keeps private claims', () => {
    const svid = parseAndValidateJwtSvid(craft(H, { ...C, 'https://example.org/tier': 'gold' }), bundle, opts);
    assert.equal(svid.claims['https://example.org/tier'], 'gold');
    assert.ok(Object.isFrozen(svid.claims));
  });
});

describe('options are checked as programmer input (TypeError)', () => {
  const token = good();
  const cases: Array<[string, object]> = [
    ['throws on an empty expected audience', { audience: '', now: NOW }],
    ['throws on an empty list of expected audiences', { audience: [], now: NOW }],
    ['throws on an invalid date', { audience: 'x', now: new Date(NaN) }],
    ['throws on a missing now', { audience: 'x' }],
    ['throws on a negative skew', { audience: 'x', now: NOW, clockSkewSeconds: -1 }],
    [`throws on a skew above ${MAX_CLOCK_SKEW_SECONDS} s`, { audience: 'x', now: NOW, clockSkewSeconds: MAX_CLOCK_SKEW_SECONDS + 1 }],
    ['throws on a NaN skew', { audience: 'x', now: NOW, clockSkewSeconds: NaN }],
  ];
  for (const [name, o] of cases) it(name, () => assert.throws(() => parseAndValidateJwtSvid(token, bundle, o as typeof opts), TypeError));

  it(`accepts a skew of exactly ${MAX_CLOCK_SKEW_SECONDS} s`, () => {
    assert.ok(parseAndValidateJwtSvid(token, bundle, { ...opts, clockSkewSeconds: MAX_CLOCK_SKEW_SECONDS }));
  });
});

describe('parseInsecureJwtSvid', () => {
  it('reads an expired token with a bad signature, for display', () => {
    const t = craft(H, { ...C, exp: T - 3600 }, () => Buffer.alloc(64));
    const svid = parseInsecureJwtSvid(t);
    assert.equal(svid.id.toString(), id.toString());
    assert.equal(svid.expiresAt.getTime(), (T - 3600) * 1000);
  });

  const bad: Array<[string, string]> = [
    ['still rejects alg none', `${b64({ alg: 'none' })}.${b64(C)}.`],
    ['still rejects a token without aud', craft(H, { ...C, aud: undefined })],
    ['still rejects a token without exp', craft(H, { ...C, exp: undefined })],
    ['still rejects an invalid sub', craft(H, { ...C, sub: 'nope' })],
    ['still rejects a forbidden header member', craft({ ...H, x5u: 'https://x' }, C)],
  ];
  for (const [name, t] of bad) it(name, () => assert.throws(() => parseInsecureJwtSvid(t), JwtSvidInvalidError));
});
