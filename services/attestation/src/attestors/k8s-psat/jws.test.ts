import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { signTestJwt } from '../../testing/jwt.js';
import { decodeJws, JwsFormatError, verifyJwsSignature } from './jws.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });

describe('JWS verification of service-account tokens', () => {
  it('verifies RS256 and ES256 with the right key only', () => {
    const r = decodeJws(signTestJwt(rsa.privateKey, 'k1', { sub: 'x' }, 'RS256'));
    const e = decodeJws(signTestJwt(ec.privateKey, 'k2', { sub: 'x' }, 'ES256'));
    assert.equal(r.header.kid, 'k1');
    assert.equal(verifyJwsSignature(r, rsa.publicKey), true);
    assert.equal(verifyJwsSignature(e, ec.publicKey), true);
    assert.equal(verifyJwsSignature(r, ec.publicKey), false, 'key type must fit the algorithm');
    assert.equal(verifyJwsSignature(e, ec384.publicKey), false, 'curve must fit the algorithm');
  });

  it('refuses "none" and HMAC tokens', () => {
    const body = Buffer.from(JSON.stringify({ sub: 'x' })).toString('base64url');
    const none = decodeJws(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`);
    assert.equal(verifyJwsSignature(none, rsa.publicKey), false);
    const header = Buffer.from('{"alg":"HS256"}').toString('base64url');
    const mac = createHmac('sha256', rsa.publicKey.export({ format: 'pem', type: 'spki' })).update(`${header}.${body}`).digest('base64url');
    assert.equal(verifyJwsSignature(decodeJws(`${header}.${body}.${mac}`), rsa.publicKey), false);
  });

  it('reports malformed tokens without echoing them', () => {
    for (const token of ['a.b', 'a.b.c', `${Buffer.from('[]').toString('base64url')}.e30.x`, 'x'.repeat(20_000)]) {
      assert.throws(
        () => decodeJws(token),
        (err: Error) => err instanceof JwsFormatError && !err.message.includes(token),
      );
    }
  });
});
