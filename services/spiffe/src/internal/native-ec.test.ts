/**
 * The native P-256 verifier against node:crypto: the same answer for valid, altered and foreign
 * signatures, non-canonical encodings and high-S values; a clear refusal of points that are not
 * on the curve and of arguments of the wrong shape.
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, hash, sign, verify, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { nativeVerifyP256, p256VerifierInUse, type VerifyP256 } from './native-ec.js';
import { p256PointOfSpki } from './keys.js';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function spkiOf(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'spki' }));
}

/** The DER ECDSA-Sig-Value of (r, s). */
function derSig(r: bigint, s: bigint): Buffer {
  const int = (v: bigint): Buffer => {
    let hex = v.toString(16);
    if (hex.length % 2 === 1) hex = `0${hex}`;
    let b = Buffer.from(hex, 'hex');
    if ((b[0]! & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function rsOf(sig: Buffer): { r: bigint; s: bigint } {
  const rLen = sig[3]!;
  const r = BigInt(`0x${sig.subarray(4, 4 + rLen).toString('hex')}`);
  const sLen = sig[5 + rLen]!;
  const s = BigInt(`0x${sig.subarray(6 + rLen, 6 + rLen + sLen).toString('hex')}`);
  return { r, s };
}

describe('native ECDSA P-256 verifier', () => {
  it('is built and used on Linux (scripts/build-native.mjs)', () => {
    if (process.platform !== 'linux') return;
    assert.equal(p256VerifierInUse(), 'native');
  });

  const native = nativeVerifyP256();
  if (native === undefined) return;
  const verifyP256: VerifyP256 = native;
  const message = Buffer.from('certificationRequestInfo bytes');
  const digest = hash('sha256', message, 'buffer');
  const keys = Array.from({ length: 8 }, () => generateKeyPairSync('ec', { namedCurve: 'P-256' }));
  const pointOf = (key: KeyObject): Uint8Array => p256PointOfSpki(spkiOf(key))!;

  const signatureCases: ReadonlyArray<{ name: string; valid: boolean; make: (k: (typeof keys)[number], other: (typeof keys)[number]) => { sig: Buffer; digest?: Buffer } }> = [
    { name: 'a valid signature', valid: true, make: (k) => ({ sig: sign('sha256', message, k.privateKey) }) },
    { name: 'a signature with its last byte altered', valid: false, make: (k) => { const sig = sign('sha256', message, k.privateKey); sig[sig.length - 1]! ^= 1; return { sig }; } },
    { name: 'a signature over another message', valid: false, make: (k) => ({ sig: sign('sha256', message, k.privateKey), digest: hash('sha256', 'other', 'buffer') }) },
    { name: 'a signature made by another key', valid: false, make: (_k, other) => ({ sig: sign('sha256', message, other.privateKey) }) },
    { name: 'the high-S twin of a valid signature', valid: true, make: (k) => { const { r, s } = rsOf(sign('sha256', message, k.privateKey)); return { sig: derSig(r, N - s) }; } },
    { name: 'a valid signature with a non-canonical (padded) length', valid: false, make: (k) => { const sig = sign('sha256', message, k.privateKey); return { sig: Buffer.concat([Buffer.from([0x30, 0x81, sig.length - 2]), sig.subarray(2)]) }; } },
    { name: 'r = 0', valid: false, make: (k) => ({ sig: derSig(0n, rsOf(sign('sha256', message, k.privateKey)).s) }) },
    { name: 's = n', valid: false, make: (k) => ({ sig: derSig(rsOf(sign('sha256', message, k.privateKey)).r, N) }) },
    { name: 'bytes that are not DER', valid: false, make: () => ({ sig: Buffer.from('not a signature') }) },
  ];
  for (const { name, valid, make } of signatureCases) {
    it(`${valid ? 'accepts' : 'refuses'}, as node:crypto does, ${name}`, () => {
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const { sig, digest: d } = make(k, keys[(i + 1) % keys.length]!);
        const useDigest = d ?? digest;
        const expected = d === undefined ? verify('sha256', message, k.publicKey, sig) : verify('sha256', Buffer.from('other'), k.publicKey, sig);
        assert.equal(expected, valid, 'node:crypto');
        assert.equal(verifyP256(pointOf(k.publicKey), useDigest, sig), valid);
      }
    });
  }

  it('accepts every valid signature and only those (64 random keys and messages)', () => {
    for (let i = 0; i < 64; i++) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const msg = Buffer.from(`message ${i}`);
      const sig = sign('sha256', msg, privateKey);
      assert.equal(verifyP256(pointOf(publicKey), hash('sha256', msg, 'buffer'), sig), true);
      assert.equal(verifyP256(pointOf(publicKey), hash('sha256', `message ${i + 1}`, 'buffer'), sig), false);
    }
  });

  it('refuses points that are not on P-256, as node:crypto refuses to import them', () => {
    const valid = pointOf(keys[0]!.publicKey);
    const offCurve = Uint8Array.from(valid);
    offCurve[64]! ^= 1;
    const zero = new Uint8Array(65);
    zero[0] = 4;
    const xTooLarge = Uint8Array.from(valid);
    xTooLarge.fill(0xff, 1, 33);
    const sig = sign('sha256', message, keys[0]!.privateKey);
    for (const point of [offCurve, zero, xTooLarge]) {
      assert.throws(() => verifyP256(point, digest, sig), { code: 'ERR_INVALID_PUBLIC_KEY', message: /not a point on P-256/ });
      const spki = Buffer.concat([Buffer.from(spkiOf(keys[0]!.publicKey)).subarray(0, 26), point]);
      assert.throws(() => createPublicKey({ key: spki, format: 'der', type: 'spki' }));
    }
  });

  it('refuses arguments of the wrong shape with a TypeError naming the argument', () => {
    const point = pointOf(keys[0]!.publicKey);
    const sig = sign('sha256', message, keys[0]!.privateKey);
    const compressed = Uint8Array.from(point.subarray(0, 33));
    compressed[0] = 2;
    const cases: ReadonlyArray<[string, () => unknown, RegExp]> = [
      ['a compressed point', () => verifyP256(compressed, digest, sig), /point must be a 65-byte uncompressed P-256 point/],
      ['a point as a string', () => verifyP256('04' as unknown as Uint8Array, digest, sig), /point must be/],
      ['an empty digest', () => verifyP256(point, new Uint8Array(0), sig), /digest must be a Uint8Array of 1 to 64 bytes/],
      ['a digest of 65 bytes', () => verifyP256(point, new Uint8Array(65), sig), /digest must be/],
      ['an empty signature', () => verifyP256(point, digest, new Uint8Array(0)), /signature must be a DER ECDSA signature/],
      ['a signature as an Int16Array', () => verifyP256(point, digest, new Int16Array(4) as unknown as Uint8Array), /signature must be/],
      ['two arguments', () => (verifyP256 as unknown as (a: unknown, b: unknown) => boolean)(point, digest), /takes three Uint8Arrays/],
    ];
    for (const [name, call, message] of cases) assert.throws(call, { name: 'TypeError', message }, name);
  });
});
