// JWT-SVID minting: header (§2), claims (§3), algorithms and keys (§2.1, RFC 7518 §3.3–§3.5).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, verify } from 'node:crypto';
import { KeyInvalidError, UnsupportedError } from '../../errors.js';
import { SpiffeId } from '../../id/index.js';
import { mintJwtSvid, type JwtSvidAlgorithm, type MintJwtSvidParams } from './index.js';

const id = SpiffeId.parse('spiffe://example.org/web');
const NOW = new Date('2025-06-01T12:00:00.750Z');
const T = Math.floor(NOW.getTime() / 1000);

const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ec521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
const rsaWeak = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ed = generateKeyPairSync('ed25519');

const base: MintJwtSvidParams = { id, audience: 'reports', key: ec256.privateKey, kid: 'k1', now: NOW, ttlSeconds: 300 };

function decode(token: string): { header: Record<string, unknown>; claims: Record<string, unknown>; input: Buffer; sig: Buffer } {
  const [h = '', p = '', s = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>,
    input: Buffer.from(`${h}.${p}`),
    sig: Buffer.from(s, 'base64url'),
  };
}

describe('mintJwtSvid writes what the spec asks for', () => {
  it('writes exactly the header {alg, kid, typ: "JWT"} (§2)', () => {
    assert.deepEqual(decode(mintJwtSvid(base)).header, { alg: 'ES256', kid: 'k1', typ: 'JWT' });
  });

  it('writes sub, a string aud for one audience, and whole-second exp and iat (§3)', () => {
    assert.deepEqual(decode(mintJwtSvid(base)).claims, { sub: 'spiffe://example.org/web', aud: 'reports', exp: T + 300, iat: T });
  });

  it('writes an array aud for several audiences', () => {
    assert.deepEqual(decode(mintJwtSvid({ ...base, audience: ['a', 'b'] })).claims['aud'], ['a', 'b']);
  });

  it('writes a one-element audience list as a string', () => {
    assert.equal(decode(mintJwtSvid({ ...base, audience: ['a'] })).claims['aud'], 'a');
  });

  it('writes iss and extra claims when given', () => {
    const { claims } = decode(mintJwtSvid({ ...base, issuer: 'https://oidc.example.org', extraClaims: { jti: 'j-1', nbf: T } }));
    assert.equal(claims['iss'], 'https://oidc.example.org');
    assert.equal(claims['jti'], 'j-1');
    assert.equal(claims['nbf'], T);
  });

  it('rounds an explicit expiresAt down to whole seconds', () => {
    const { claims } = decode(mintJwtSvid({ ...base, ttlSeconds: undefined, expiresAt: new Date('2025-06-01T13:00:00.999Z') }));
    assert.equal(claims['exp'], Date.parse('2025-06-01T13:00:00Z') / 1000);
  });

  it('writes the same token for the same inputs with a deterministic algorithm', () => {
    const p = { ...base, key: rsa.privateKey, alg: 'RS256' as const };
    assert.equal(mintJwtSvid(p), mintJwtSvid(p));
  });
});

describe('signatures are in JOSE form and verify with node:crypto', () => {
  const cases: Array<[JwtSvidAlgorithm, MintJwtSvidParams['key'], MintJwtSvidParams['key'], number | undefined]> = [
    ['ES256', ec256.privateKey, ec256.publicKey, 64],
    ['ES384', ec384.privateKey, ec384.publicKey, 96],
    ['ES512', ec521.privateKey, ec521.publicKey, 132],
    ['RS256', rsa.privateKey, rsa.publicKey, 256],
    ['RS512', rsa.privateKey, rsa.publicKey, 256],
    ['PS384', rsa.privateKey, rsa.publicKey, 256],
  ];
  for (const [alg, key, pub, len] of cases) {
    it(`signs ${alg} with a ${len}-byte signature`, () => {
      const d = decode(mintJwtSvid({ ...base, key, alg }));
      assert.equal(d.header['alg'], alg);
      assert.equal(d.sig.length, len);
      const hash = `sha${alg.slice(2)}`;
      const vopts = alg.startsWith('ES')
        ? { key: pub, dsaEncoding: 'ieee-p1363' as const }
        : alg.startsWith('PS')
          ? { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }
          : { key: pub };
      assert.ok(verify(hash, d.input, vopts, d.sig));
    });
  }

  const defaults: Array<[string, MintJwtSvidParams['key'], JwtSvidAlgorithm]> = [
    ['P-256', ec256.privateKey, 'ES256'],
    ['P-384', ec384.privateKey, 'ES384'],
    ['P-521', ec521.privateKey, 'ES512'],
    ['RSA', rsa.privateKey, 'RS256'],
    ['RSA-PSS', rsaPss.privateKey, 'PS256'],
  ];
  for (const [name, key, alg] of defaults) {
    it(`defaults to ${alg} for a ${name} key`, () => assert.equal(decode(mintJwtSvid({ ...base, key })).header['alg'], alg));
  }

  it('signs PS256 with an RSA-PSS key so that it verifies with a 32-byte salt', () => {
    const d = decode(mintJwtSvid({ ...base, key: rsaPss.privateKey }));
    assert.ok(verify('sha256', d.input, { key: rsaPss.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, d.sig));
  });
});

describe('mintJwtSvid refuses keys and algorithms that do not fit', () => {
  const cases: Array<[string, Partial<MintJwtSvidParams>, new (...a: never[]) => Error, RegExp]> = [
    ['refuses ES256 with an RSA key', { key: rsa.privateKey, alg: 'ES256' }, KeyInvalidError, /ES256 needs an EC key, not an RSA key/],
    ['refuses ES256 with a P-384 key', { key: ec384.privateKey, alg: 'ES256' }, KeyInvalidError, /ES256 needs an EC key on P-256, not an EC key on P-384/],
    ['refuses RS256 with an EC key', { alg: 'RS256' }, KeyInvalidError, /RS256 needs an RSA key/],
    ['refuses RS256 with an RSA-PSS key', { key: rsaPss.privateKey, alg: 'RS256' }, KeyInvalidError, /RS256 needs an RSA key, not an RSA-PSS key/],
    ['refuses an RSA key under 2048 bits', { key: rsaWeak.privateKey }, KeyInvalidError, /at least 2048 bits, not 1024 bits/],
    ['refuses alg none', { alg: 'none' as JwtSvidAlgorithm }, UnsupportedError, /alg "none" is not allowed/],
    ['refuses HS256', { alg: 'HS256' as JwtSvidAlgorithm }, UnsupportedError, /alg "HS256" is not allowed/],
    ['refuses an Ed25519 key', { key: ed.privateKey }, UnsupportedError, /no JWT-SVID algorithm signs with a key of type "ed25519"/],
  ];
  for (const [name, p, Err, msg] of cases) {
    it(name, () => assert.throws(() => mintJwtSvid({ ...base, ...p } as MintJwtSvidParams), (e: Error) => e instanceof Err && msg.test(e.message)));
  }
});

describe('mintJwtSvid treats bad parameters as programmer errors (TypeError)', () => {
  const cases: Array<[string, Partial<Record<keyof MintJwtSvidParams, unknown>>]> = [
    ['throws for a public key', { key: ec256.publicKey }],
    ['throws for an id that is not a SpiffeId', { id: 'spiffe://example.org/web' }],
    ['throws for an empty kid', { kid: '' }],
    ['throws for an empty audience', { audience: '' }],
    ['throws for an empty audience list', { audience: [] }],
    ['throws for an audience list holding an empty string', { audience: ['a', ''] }],
    ['throws for a zero ttl', { ttlSeconds: 0 }],
    ['throws for a negative ttl', { ttlSeconds: -5 }],
    ['throws for a ttl shorter than what is left of the current second', { ttlSeconds: 0.1 }],
    ['throws when both ttlSeconds and expiresAt are given', { expiresAt: new Date(NOW.getTime() + 60_000) }],
    ['throws when neither ttlSeconds nor expiresAt is given', { ttlSeconds: undefined }],
    ['throws for an expiresAt in the past', { ttlSeconds: undefined, expiresAt: new Date(NOW.getTime() - 1) }],
    ['throws for an invalid now', { now: new Date('nope') }],
    ['throws for an empty issuer', { issuer: '' }],
    ['throws when extraClaims sets sub', { extraClaims: { sub: 'spiffe://example.org/admin' } }],
    ['throws when extraClaims sets aud', { extraClaims: { aud: 'everyone' } }],
    ['throws when extraClaims sets exp', { extraClaims: { exp: 9999999999 } }],
  ];
  for (const [name, p] of cases) it(name, () => assert.throws(() => mintJwtSvid({ ...base, ...p } as MintJwtSvidParams), TypeError));
});
