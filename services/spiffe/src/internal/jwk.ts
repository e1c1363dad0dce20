/**
 * Public keys as JSON Web Keys (RFC 7517, RFC 7518 §6): EC P-256/P-384/P-521 and RSA.
 *
 * Export reads the key's SubjectPublicKeyInfo DER rather than calling `export({format: 'jwk'})`,
 * which can deadlock on Node 20 for keys that come from `generateKeyPairSync` (performance guide,
 * trap 1). Import validates every member strictly before handing a sanitised JWK to OpenSSL.
 * @internal
 */
import { createPublicKey, ECDH, type KeyObject } from 'node:crypto';
import { KeyInvalidError, UnsupportedError } from '../errors.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';

/** The elliptic curves a JWK may name (RFC 7518 §6.2.1.1) that this package supports. */
export type JwkCurve = 'P-256' | 'P-384' | 'P-521';

/** An EC public key as a JWK. */
export interface EcPublicJwk {
  readonly kty: 'EC';
  readonly crv: JwkCurve;
  readonly x: string;
  readonly y: string;
}

/** An RSA public key as a JWK. */
export interface RsaPublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
}

/** A supported public key as a JWK: only the members that define the key. */
export type PublicJwk = EcPublicJwk | RsaPublicJwk;

/** For each JWK curve: OpenSSL's name for it and the size of one coordinate in bytes. */
export const JWK_CURVES: Readonly<Record<JwkCurve, { readonly namedCurve: string; readonly size: number }>> = {
  'P-256': { namedCurve: 'prime256v1', size: 32 },
  'P-384': { namedCurve: 'secp384r1', size: 48 },
  'P-521': { namedCurve: 'secp521r1', size: 66 },
};

/** Largest RSA modulus accepted, in bits (OpenSSL's own verification limit). */
export const MAX_RSA_MODULUS_BITS = 16384;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * True when the JWK's `kty` (and for EC, `crv`) is a type this package understands. Bundle
 * parsers use it to tell "unknown key type, ignore the entry" (SPIFFE Trust Domain and Bundle
 * §4.2.1) apart from "known type but broken".
 */
export function isSupportedJwkType(jwk: Readonly<Record<string, unknown>>): boolean {
  if (jwk['kty'] === 'RSA') return true;
  return jwk['kty'] === 'EC' && typeof jwk['crv'] === 'string' && Object.hasOwn(JWK_CURVES, jwk['crv']);
}

/**
 * Imports a public JWK. Members other than the key's own (`use`, `kid`, `x5c`, ...) are not
 * looked at. Throws {@link KeyInvalidError} naming the member when `kty` or `crv` is unknown, a
 * member is missing or not canonical base64url, a coordinate has the wrong length, the point is
 * not on the curve, or the JWK carries private key material.
 *
 * @param what names the JWK in messages, e.g. `spiffebundle: keys[2]`.
 */
export function jwkToPublicKey(jwk: Readonly<Record<string, unknown>>, what = 'jwk'): KeyObject {
  for (const m of PRIVATE_MEMBERS) {
    if (jwk[m] !== undefined) throw new KeyInvalidError(`${what}: member "${m}" holds private key material; only public keys are allowed`);
  }
  const kty = jwk['kty'];
  if (kty === 'EC') return importEc(jwk, what);
  if (kty === 'RSA') return importRsa(jwk, what);
  if (typeof kty !== 'string') throw new KeyInvalidError(`${what}: member "kty" is required and must be a string`);
  throw new KeyInvalidError(`${what}: member "kty" is ${JSON.stringify(kty)}; only "EC" and "RSA" are supported`);
}

function importEc(jwk: Readonly<Record<string, unknown>>, what: string): KeyObject {
  const crv = jwk['crv'];
  if (typeof crv !== 'string' || !Object.hasOwn(JWK_CURVES, crv)) {
    throw new KeyInvalidError(`${what}: member "crv" is ${JSON.stringify(crv) ?? 'missing'}; only "P-256", "P-384" and "P-521" are supported`);
  }
  const curve = crv as JwkCurve;
  const { size } = JWK_CURVES[curve];
  const x = member(jwk, 'x', what);
  const y = member(jwk, 'y', what);
  for (const [name, v] of [['x', x], ['y', y]] as const) {
    if (v.length !== size) throw new KeyInvalidError(`${what}: member "${name}" is ${v.length} bytes; ${crv} coordinates are ${size} bytes`);
  }
  return create({ kty: 'EC', crv: curve, x: encodeBase64url(x), y: encodeBase64url(y) }, `${what}: the point (x, y) is not on curve ${crv}`);
}

function importRsa(jwk: Readonly<Record<string, unknown>>, what: string): KeyObject {
  const n = stripZeros(member(jwk, 'n', what));
  const e = stripZeros(member(jwk, 'e', what));
  const bits = bitLength(n);
  if (bits === 0) throw new KeyInvalidError(`${what}: member "n" (the modulus) is zero`);
  if (bits > MAX_RSA_MODULUS_BITS) throw new KeyInvalidError(`${what}: member "n" is a ${bits}-bit modulus; at most ${MAX_RSA_MODULUS_BITS} bits are allowed`);
  const ev = e.length <= 4 ? e.reduce((acc, b) => acc * 256 + b, 0) : Infinity;
  if (ev < 3 || ev > 0x7fffffff || ev % 2 === 0) {
    throw new KeyInvalidError(`${what}: member "e" (the public exponent) must be an odd number from 3 to 2^31-1`);
  }
  return create({ kty: 'RSA', n: encodeBase64url(n), e: encodeBase64url(e) }, `${what}: the RSA key is not valid`);
}

function member(jwk: Readonly<Record<string, unknown>>, name: string, what: string): Buffer {
  const v = jwk[name];
  if (typeof v !== 'string' || v.length === 0) throw new KeyInvalidError(`${what}: member "${name}" is required and must be a base64url string`);
  return decodeBase64url(v, `${what}: member "${name}"`, KeyInvalidError);
}

function create(jwk: PublicJwk, failure: string): KeyObject {
  try {
    return createPublicKey({ key: { ...jwk }, format: 'jwk' });
  } catch (err) {
    throw new KeyInvalidError(failure, { cause: err });
  }
}

/**
 * Exports a public EC (P-256/P-384/P-521) or RSA key as a JWK holding only its key members.
 * Throws `TypeError` for a private or secret key and {@link UnsupportedError} for other key types.
 */
export function publicKeyToJwk(key: KeyObject): PublicJwk {
  if (key.type !== 'public') throw new TypeError(`publicKeyToJwk expects a public KeyObject (got a ${key.type} key)`);
  const spki = key.export({ format: 'der', type: 'spki' });
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  const outer = readTlv(spki, 0, 0x30);
  const alg = readTlv(spki, outer.start, 0x30);
  const bits = readTlv(spki, alg.end, 0x03);
  if (spki[bits.start] !== 0) throw new KeyInvalidError('jwk: SubjectPublicKeyInfo bit string has unused bits');
  const keyBytes = spki.subarray(bits.start + 1, bits.end);
  if (key.asymmetricKeyType === 'ec') return ecJwk(key, keyBytes);
  if (key.asymmetricKeyType === 'rsa') {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    const seq = readTlv(keyBytes, 0, 0x30);
    const n = readTlv(keyBytes, seq.start, 0x02);
    const e = readTlv(keyBytes, n.end, 0x02);
    return {
      kty: 'RSA',
      n: encodeBase64url(stripZeros(keyBytes.subarray(n.start, n.end))),
      e: encodeBase64url(stripZeros(keyBytes.subarray(e.start, e.end))),
    };
  }
  throw new UnsupportedError(`jwk: key type "${key.asymmetricKeyType}" cannot be expressed as a JWK here; only EC and RSA keys are supported`);
}

function ecJwk(key: KeyObject, point: Buffer): EcPublicJwk {
  const namedCurve = key.asymmetricKeyDetails?.namedCurve;
  const entry = Object.entries(JWK_CURVES).find(([, c]) => c.namedCurve === namedCurve);
  if (entry === undefined) throw new UnsupportedError(`jwk: EC curve "${namedCurve}" is not supported; use P-256, P-384 or P-521`);
  const [crv, { size }] = entry;
  // SEC 1 §2.3.3: 0x04 || X || Y, or 0x02/0x03 || X for a compressed point.
  const full = point[0] === 0x04 ? point : ECDH.convertKey(point, namedCurve!, undefined, undefined, 'uncompressed');
  if (typeof full === 'string' || full.length !== 1 + 2 * size) throw new KeyInvalidError(`jwk: EC point has the wrong length for ${crv}`);
  return { kty: 'EC', crv: crv as JwkCurve, x: encodeBase64url(full.subarray(1, 1 + size)), y: encodeBase64url(full.subarray(1 + size)) };
}

/** Reads one DER TLV with the expected tag at `off`; returns where its content starts and ends. */
function readTlv(buf: Buffer, off: number, tag: number): { start: number; end: number } {
  if (buf[off] !== tag) throw new KeyInvalidError(`jwk: unexpected DER tag in SubjectPublicKeyInfo at offset ${off}`);
  let len = buf[off + 1] ?? 0;
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new KeyInvalidError(`jwk: unsupported DER length at offset ${off}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[start + i] ?? 0);
    start += n;
  }
  const end = start + len;
  if (end > buf.length) throw new KeyInvalidError(`jwk: truncated DER in SubjectPublicKeyInfo at offset ${off}`);
  return { start, end };
}

function stripZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function bitLength(b: Buffer): number {
  const first = b[0] ?? 0;
  return first === 0 ? 0 : (b.length - 1) * 8 + (32 - Math.clz32(first));
}
