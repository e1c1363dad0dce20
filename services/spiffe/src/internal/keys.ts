/**
 * Key handling shared by the X.509 code: key type detection, signature algorithm selection,
 * SubjectPublicKeyInfo inspection and import, private key parsing and key/certificate matching.
 * Supported key kinds are EC P-256, EC P-384 and RSA of 2048 to 8192 bits. @internal
 */
import { createPrivateKey, createPublicKey, hash, verify, type KeyObject } from 'node:crypto';
import { KeyInvalidError, UnsupportedError } from '../errors.js';
import { Oid } from './der/oids.js';
import { DerReader, checkInteger, decodeBitString, decodeOid, type Fail } from './der/reader.js';
import { Tag } from './der/tags.js';
import { NULL, oid, sequence } from './der/writer.js';
import { nativeVerifyP256 } from './native-ec.js';
import { decodePem } from './pem.js';

/** The key kinds this package signs with and issues certificates for. */
export type KeyKind = 'ec-p256' | 'ec-p384' | 'rsa';

/** Smallest accepted RSA modulus, in bits. */
export const RSA_MIN_BITS = 2048;
/** Largest accepted RSA modulus, in bits (bounds the cost of hostile keys). */
export const RSA_MAX_BITS = 8192;

/** How a key of some kind signs certificates: hash for `crypto.sign`, and the AlgorithmIdentifier DER. */
export interface SignatureAlgorithm {
  readonly name: 'ecdsa-with-SHA256' | 'ecdsa-with-SHA384' | 'sha256WithRSAEncryption';
  readonly hash: 'sha256' | 'sha384';
  readonly identifier: Uint8Array;
}

const SIGNATURE_ALGORITHMS: Record<KeyKind, SignatureAlgorithm> = {
  'ec-p256': { name: 'ecdsa-with-SHA256', hash: 'sha256', identifier: sequence(oid(Oid.ecdsaWithSha256)) },
  'ec-p384': { name: 'ecdsa-with-SHA384', hash: 'sha384', identifier: sequence(oid(Oid.ecdsaWithSha384)) },
  rsa: { name: 'sha256WithRSAEncryption', hash: 'sha256', identifier: sequence(oid(Oid.sha256WithRsa), NULL) },
};

/** The kind of `key` (public or private). Throws {@link UnsupportedError} for any other key. */
export function keyKindOf(key: KeyObject): KeyKind {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ec') {
    if (details.namedCurve === 'prime256v1') return 'ec-p256';
    if (details.namedCurve === 'secp384r1') return 'ec-p384';
    throw new UnsupportedError(`keys: EC curve ${details.namedCurve ?? 'unknown'} is not supported (use P-256 or P-384)`);
  }
  if (type === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
      throw new UnsupportedError(`keys: RSA key of ${bits} bits is not supported (${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits)`);
    }
    return 'rsa';
  }
  throw new UnsupportedError(`keys: key type ${type ?? 'unknown'} is not supported (use EC P-256, EC P-384 or RSA)`);
}

/** The signature algorithm certificates signed by `key` carry (chosen by the key's kind). */
export function signatureAlgorithmFor(key: KeyObject): SignatureAlgorithm {
  return SIGNATURE_ALGORITHMS[keyKindOf(key)];
}

/** How to verify a signature algorithm: the hash for `crypto.verify` (null for Ed25519) and the key type it needs. */
export interface VerifyAlgorithm {
  readonly name: string;
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  readonly keyType: 'ec' | 'rsa' | 'ed25519';
  /** Whether the AlgorithmIdentifier may carry NULL parameters (RSA) or must have none. */
  readonly nullParams: boolean;
}

const VERIFY_ALGORITHMS: ReadonlyMap<string, VerifyAlgorithm> = new Map([
  [Oid.ecdsaWithSha256, { name: 'ecdsa-with-SHA256', hash: 'sha256', keyType: 'ec', nullParams: false }],
  [Oid.ecdsaWithSha384, { name: 'ecdsa-with-SHA384', hash: 'sha384', keyType: 'ec', nullParams: false }],
  [Oid.ecdsaWithSha512, { name: 'ecdsa-with-SHA512', hash: 'sha512', keyType: 'ec', nullParams: false }],
  [Oid.sha256WithRsa, { name: 'sha256WithRSAEncryption', hash: 'sha256', keyType: 'rsa', nullParams: true }],
  [Oid.sha384WithRsa, { name: 'sha384WithRSAEncryption', hash: 'sha384', keyType: 'rsa', nullParams: true }],
  [Oid.sha512WithRsa, { name: 'sha512WithRSAEncryption', hash: 'sha512', keyType: 'rsa', nullParams: true }],
  [Oid.ed25519, { name: 'Ed25519', hash: null, keyType: 'ed25519', nullParams: false }],
] as const);

/** The verification parameters of a signature algorithm OID, or `undefined` when it is not accepted (e.g. SHA-1). */
export function verifyAlgorithmFor(algorithmOid: string): VerifyAlgorithm | undefined {
  return VERIFY_ALGORITHMS.get(algorithmOid);
}

/** What a SubjectPublicKeyInfo holds, read without importing the key. */
export interface SpkiInfo {
  /** The key kind, or `unsupported` (described by `description`). */
  readonly kind: KeyKind | 'unsupported';
  readonly description: string;
  /** The subjectPublicKey bits (what RFC 5280 §4.2.1.2 hashes into key identifiers). */
  readonly keyBits: Uint8Array;
}

const P256_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const P384_PREFIX = Buffer.from('3076301006072a8648ce3d020106052b81040022036200', 'hex');

/**
 * Reads a DER SubjectPublicKeyInfo structurally (algorithm, curve, point length, RSA modulus size).
 * The key is not imported, so points are not checked to lie on the curve. Malformed input → `fail`.
 */
export function inspectSpki(spki: Uint8Array, fail: Fail, path = 'subjectPublicKeyInfo'): SpkiInfo {
  if (spki.byteLength === 91 && spki[26] === 0x04 && prefixEquals(spki, P256_PREFIX)) {
    return { kind: 'ec-p256', description: 'EC P-256', keyBits: spki.subarray(26) };
  }
  if (spki.byteLength === 120 && spki[23] === 0x04 && prefixEquals(spki, P384_PREFIX)) {
    return { kind: 'ec-p384', description: 'EC P-384', keyBits: spki.subarray(23) };
  }
  const outer = new DerReader(spki, fail, path);
  const r = outer.enter(Tag.SEQUENCE, '');
  outer.expectEnd();
  const alg = r.enter(Tag.SEQUENCE, 'algorithm');
  const algOid = decodeOid(alg.read(Tag.OID, 'algorithm').value, fail, `${path}.algorithm`);
  const params = alg.atEnd() ? undefined : alg.next('parameters');
  alg.expectEnd();
  const bits = decodeBitString(r.read(Tag.BIT_STRING, 'subjectPublicKey').value, fail, `${path}.subjectPublicKey`);
  r.expectEnd();
  if (bits.unusedBits !== 0) fail(`${path}.subjectPublicKey: must be a whole number of octets`);
  const keyBits = bits.bytes;
  if (algOid === Oid.ecPublicKey) {
    if (params?.tag !== Tag.OID) fail(`${path}.algorithm.parameters: EC keys must name their curve (RFC 5480 §2.1.1)`);
    const curve = decodeOid(params.value, fail, `${path}.algorithm.parameters`);
    const size = curve === Oid.prime256v1 ? 32 : curve === Oid.secp384r1 ? 48 : 0;
    if (size === 0) return { kind: 'unsupported', description: `EC curve ${curve}`, keyBits };
    const uncompressed = keyBits[0] === 0x04 && keyBits.byteLength === 1 + 2 * size;
    const compressed = (keyBits[0] === 0x02 || keyBits[0] === 0x03) && keyBits.byteLength === 1 + size;
    const ok = uncompressed || compressed;
    if (!ok) fail(`${path}.subjectPublicKey: not a valid EC point encoding for the curve`);
    return { kind: size === 32 ? 'ec-p256' : 'ec-p384', description: size === 32 ? 'EC P-256' : 'EC P-384', keyBits };
  }
  if (algOid === Oid.rsaEncryption) {
    if (params !== undefined && params.tag !== Tag.NULL) fail(`${path}.algorithm.parameters: must be NULL for RSA (RFC 3279 §2.3.1)`);
    const key = new DerReader(keyBits, fail, `${path}.subjectPublicKey`).enter(Tag.SEQUENCE, 'RSAPublicKey');
    const n = checkInteger(key.read(Tag.INTEGER, 'modulus').value, fail, `${path}.subjectPublicKey.modulus`);
    checkInteger(key.read(Tag.INTEGER, 'publicExponent').value, fail, `${path}.subjectPublicKey.publicExponent`);
    key.expectEnd();
    if (n[0]! & 0x80) fail(`${path}.subjectPublicKey.modulus: must be positive`);
    const modulus = n[0] === 0 ? n.subarray(1) : n;
    const bitLen = modulus.byteLength * 8 - Math.clz32(modulus[0] ?? 0) + 24;
    if (bitLen < RSA_MIN_BITS || bitLen > RSA_MAX_BITS) return { kind: 'unsupported', description: `RSA ${bitLen}-bit`, keyBits };
    return { kind: 'rsa', description: `RSA ${bitLen}-bit`, keyBits };
  }
  return { kind: 'unsupported', description: algOid === Oid.ed25519 ? 'Ed25519' : `algorithm ${algOid}`, keyBits };
}

/** A key identifier per RFC 5280 §4.2.1.2 method (1): the SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(keyBits: Uint8Array): Uint8Array {
  return hash('sha1', keyBits, 'buffer');
}

const spkiCache = new WeakMap<KeyObject, Uint8Array>();

/** The DER SubjectPublicKeyInfo of `key` (public, or the public half of a private key). Cached per KeyObject. */
export function exportSpki(key: KeyObject): Uint8Array {
  let der = spkiCache.get(key);
  if (der === undefined) {
    const pub = key.type === 'private' ? createPublicKey(key) : key;
    der = new Uint8Array(pub.export({ format: 'der', type: 'spki' }));
    spkiCache.set(key, der);
  }
  return der;
}

/** Imports a DER SubjectPublicKeyInfo; failures go to `fail`. */
export function importSpki(spki: Uint8Array, fail: Fail, path = 'subjectPublicKeyInfo'): KeyObject {
  try {
    const buf = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength);
    const ec = ecPointOfSpki(buf);
    // OpenSSL 3.0 imports an EC key from its affine coordinates about twice as fast as from DER,
    // and checks that the point is on the curve either way.
    if (ec) return createPublicKey({ key: ec, format: 'jwk' });
    return createPublicKey({ key: buf, format: 'der', type: 'spki' });
  } catch (err) {
    return fail(`${path}: the public key cannot be imported (${(err as Error).message})`);
  }
}

/** SPKI DER prefixes of uncompressed P-256 and P-384 public keys, up to the point's 0x04 byte. */
const EC_SPKI_PREFIXES: ReadonlyArray<{ crv: 'P-256' | 'P-384'; prefix: Buffer; coord: number }> = [
  { crv: 'P-256', prefix: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex'), coord: 32 },
  { crv: 'P-384', prefix: Buffer.from('3076301006072a8648ce3d020106052b8104002203620004', 'hex'), coord: 48 },
];

/** The curve and SEC1 point (0x04 || X || Y) of an uncompressed P-256/P-384 SPKI, or undefined for any other key. */
function ecPointOf(spki: Uint8Array): { crv: 'P-256' | 'P-384'; point: Uint8Array; coord: number } | undefined {
  for (const { crv, prefix, coord } of EC_SPKI_PREFIXES) {
    if (spki.length !== prefix.length + 2 * coord) continue;
    let i = 0;
    while (i < prefix.length && spki[i] === prefix[i]) i++;
    if (i === prefix.length) return { crv, point: spki.subarray(prefix.length - 1), coord };
  }
  return undefined;
}

/** The SEC1 point (0x04 || X || Y, 65 bytes) of an uncompressed P-256 SPKI, or undefined for any other key. */
export function p256PointOfSpki(spki: Uint8Array): Uint8Array | undefined {
  const ec = ecPointOf(spki);
  return ec?.crv === 'P-256' ? ec.point : undefined;
}

/**
 * Verifies `signature` over `data` with the public key in `spki`; a key that cannot be imported
 * goes to `fail`. P-256 keys are checked and used by the native verifier when it is built
 * (`native-ec.ts`), others (and all keys without it) through `node:crypto`; both give the same
 * answers. Returns whether the signature verifies.
 */
export function verifyWithSpki(digestName: string | null, data: Uint8Array, spki: Uint8Array, signature: Uint8Array, fail: Fail, path: string): boolean {
  const point = digestName === null ? undefined : p256PointOfSpki(spki);
  const native = point === undefined ? undefined : nativeVerifyP256();
  if (point !== undefined && native !== undefined) {
    try {
      return native(point, hash(digestName as string, data, 'buffer'), signature);
    } catch (err) {
      return fail(`${path}: the public key cannot be imported (${(err as Error).message})`);
    }
  }
  const key = importSpki(spki, fail, path);
  try {
    return verify(digestName, data, key, signature);
  } catch {
    return false;
  }
}

/** The JWK of an uncompressed P-256/P-384 SPKI, or undefined for any other key encoding. */
function ecPointOfSpki(der: Buffer): { kty: 'EC'; crv: string; x: string; y: string } | undefined {
  const ec = ecPointOf(der);
  if (ec === undefined) return undefined;
  const { crv, point, coord } = ec;
  const bytes = Buffer.from(point.buffer, point.byteOffset, point.byteLength);
  return { kty: 'EC', crv, x: bytes.subarray(1, 1 + coord).toString('base64url'), y: bytes.subarray(1 + coord).toString('base64url') };
}

/** True when `privateKey` is the private half of the public key in `spki`. */
export function privateKeyMatchesSpki(privateKey: KeyObject, spki: Uint8Array): boolean {
  const own = exportSpki(privateKey);
  if (bytesEqualFast(own, spki)) return true;
  try {
    const other = createPublicKey({ key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), format: 'der', type: 'spki' });
    return createPublicKey(privateKey).equals(other);
  } catch {
    return false;
  }
}

const PEM_KEY_TYPES: Record<string, 'pkcs8' | 'sec1' | 'pkcs1'> = {
  'PRIVATE KEY': 'pkcs8',
  'EC PRIVATE KEY': 'sec1',
  'RSA PRIVATE KEY': 'pkcs1',
};

/**
 * Parses a private key: PEM text with one `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1) or
 * `RSA PRIVATE KEY` (PKCS#1) block, or DER bytes in any of those forms. Encrypted keys are refused.
 * Throws {@link KeyInvalidError} when the input is not such a key, {@link UnsupportedError} when
 * the key is of an unsupported kind.
 */
export function parsePrivateKey(input: string | Uint8Array): KeyObject {
  let candidates: { der: Uint8Array; type: 'pkcs8' | 'sec1' | 'pkcs1' }[];
  if (typeof input === 'string') {
    const blocks = decodePem(input, KeyInvalidError).filter((b) => b.label.endsWith('PRIVATE KEY'));
    if (blocks.length !== 1) throw new KeyInvalidError(`keys: expected exactly one PEM private key block, found ${blocks.length}`);
    const block = blocks[0]!;
    const type = PEM_KEY_TYPES[block.label];
    if (type === undefined) throw new KeyInvalidError(`keys: PEM block "${block.label}" is not supported (encrypted keys are refused)`);
    candidates = [{ der: block.der, type }];
  } else if (input instanceof Uint8Array) {
    candidates = (['pkcs8', 'sec1', 'pkcs1'] as const).map((type) => ({ der: input, type }));
  } else {
    throw new TypeError('parsePrivateKey expects PEM text or DER bytes');
  }
  for (const { der, type } of candidates) {
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: Buffer.from(der.buffer, der.byteOffset, der.byteLength), format: 'der', type });
    } catch {
      continue;
    }
    keyKindOf(key);
    return key;
  }
  throw new KeyInvalidError('keys: the private key is not a valid PKCS#8, SEC1 or PKCS#1 DER key');
}

function prefixEquals(a: Uint8Array, prefix: Uint8Array): boolean {
  for (let i = 0; i < prefix.byteLength; i++) if (a[i] !== prefix[i]) return false;
  return true;
}

function bytesEqualFast(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
