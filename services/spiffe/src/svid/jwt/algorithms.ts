/**
 * The JWS algorithms a JWT-SVID may use (JWT-SVID §2.1: RFC 7518 §3.3, §3.4, §3.5), which key
 * fits which algorithm, and JWS signing and verification with `node:crypto`.
 */
import { constants, sign, verify, type KeyObject } from 'node:crypto';
import { KeyInvalidError, UnsupportedError } from '../../errors.js';

/** Every `alg` a JWT-SVID may carry (JWT-SVID §2.1). `none`, `HS*` and everything else are refused. */
export const JWT_SVID_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'] as const;

/** A JWS algorithm allowed for JWT-SVIDs. */
export type JwtSvidAlgorithm = (typeof JWT_SVID_ALGORITHMS)[number];

/** Smallest RSA modulus allowed with RS* and PS* (RFC 7518 §3.3 and §3.5: 2048 bits). */
export const MIN_RSA_MODULUS_BITS = 2048;

interface AlgSpec {
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  readonly family: 'EC' | 'RSA' | 'PSS';
  /** EC only: OpenSSL curve name and the length of a raw r||s signature. */
  readonly curve?: string;
  readonly sigLength?: number;
  readonly hashLength: number;
}

const SPECS: Readonly<Record<JwtSvidAlgorithm, AlgSpec>> = {
  RS256: { hash: 'sha256', family: 'RSA', hashLength: 32 },
  RS384: { hash: 'sha384', family: 'RSA', hashLength: 48 },
  RS512: { hash: 'sha512', family: 'RSA', hashLength: 64 },
  PS256: { hash: 'sha256', family: 'PSS', hashLength: 32 },
  PS384: { hash: 'sha384', family: 'PSS', hashLength: 48 },
  PS512: { hash: 'sha512', family: 'PSS', hashLength: 64 },
  ES256: { hash: 'sha256', family: 'EC', curve: 'prime256v1', sigLength: 64, hashLength: 32 },
  ES384: { hash: 'sha384', family: 'EC', curve: 'secp384r1', sigLength: 96, hashLength: 48 },
  ES512: { hash: 'sha512', family: 'EC', curve: 'secp521r1', sigLength: 132, hashLength: 64 },
};

/** True when `alg` is one of {@link JWT_SVID_ALGORITHMS}. */
export function isJwtSvidAlgorithm(alg: unknown): alg is JwtSvidAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(SPECS, alg);
}

/** What matters about a key for algorithm matching, computed once per KeyObject. */
interface KeyShape {
  readonly type: string | undefined;
  readonly curve: string | undefined;
  readonly modulusBits: number | undefined;
}

const shapes = new WeakMap<KeyObject, KeyShape>();

function shapeOf(key: KeyObject): KeyShape {
  let s = shapes.get(key);
  if (s === undefined) {
    const d = key.asymmetricKeyDetails;
    s = { type: key.asymmetricKeyType, curve: d?.namedCurve, modulusBits: d?.modulusLength };
    shapes.set(key, s);
  }
  return s;
}

/**
 * Why `key` cannot be used with `alg`, or `undefined` when it can. ES256/384/512 need an EC key
 * on P-256/P-384/P-521 respectively (RFC 7518 §3.4); RS* need an RSA key and PS* an RSA or
 * RSA-PSS key, of at least 2048 bits (§3.3, §3.5).
 */
export function keyMismatch(key: KeyObject, alg: JwtSvidAlgorithm): string | undefined {
  const spec = SPECS[alg];
  const shape = shapeOf(key);
  if (spec.family === 'EC') {
    if (shape.type !== 'ec') return `${alg} needs an EC key, not ${describe(shape)}`;
    return shape.curve === spec.curve ? undefined : `${alg} needs an EC key on ${curveName(spec.curve)}, not ${describe(shape)}`;
  }
  const typeOk = shape.type === 'rsa' || (spec.family === 'PSS' && shape.type === 'rsa-pss');
  if (!typeOk) return `${alg} needs an RSA key, not ${describe(shape)}`;
  if ((shape.modulusBits ?? 0) < MIN_RSA_MODULUS_BITS) {
    return `${alg} needs an RSA key of at least ${MIN_RSA_MODULUS_BITS} bits, not ${shape.modulusBits} bits`;
  }
  return undefined;
}

/**
 * The algorithm used when none is asked for: ES256/ES384/ES512 by curve, RS256 for RSA, PS256 for
 * RSA-PSS keys. Throws {@link UnsupportedError} for other key types.
 */
export function defaultAlgorithm(key: KeyObject): JwtSvidAlgorithm {
  const shape = shapeOf(key);
  if (shape.type === 'ec') {
    const alg = (['ES256', 'ES384', 'ES512'] as const).find((a) => SPECS[a].curve === shape.curve);
    if (alg !== undefined) return alg;
  }
  if (shape.type === 'rsa') return 'RS256';
  if (shape.type === 'rsa-pss') return 'PS256';
  throw new UnsupportedError(`jwtsvid: no JWT-SVID algorithm signs with ${describe(shape)}; use an EC P-256/P-384/P-521 or RSA key`);
}

/**
 * Signs the JWS signing input with `alg`; ECDSA signatures come out in JOSE form (raw r||s,
 * RFC 7518 §3.4). Throws {@link KeyInvalidError} when the key does not fit the algorithm.
 */
export function signJws(alg: JwtSvidAlgorithm, key: KeyObject, input: Buffer): Buffer {
  const why = keyMismatch(key, alg);
  if (why !== undefined) throw new KeyInvalidError(`jwtsvid: ${why}`);
  const spec = SPECS[alg];
  if (spec.family === 'EC') return sign(spec.hash, input, { key, dsaEncoding: 'ieee-p1363' });
  if (spec.family === 'PSS') return sign(spec.hash, input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength });
  return sign(spec.hash, input, { key, padding: constants.RSA_PKCS1_PADDING });
}

/**
 * Verifies a JWS signature made with `alg`. The caller has checked {@link keyMismatch} first.
 * ECDSA signatures must be exactly the JOSE length; PSS salts must be the hash length (RFC 7518 §3.5).
 */
export function verifyJws(alg: JwtSvidAlgorithm, key: KeyObject, input: Buffer, signature: Buffer): boolean {
  const spec = SPECS[alg];
  if (spec.family === 'EC') {
    return signature.length === spec.sigLength && verify(spec.hash, input, { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
  if (spec.family === 'PSS') {
    return verify(spec.hash, input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength }, signature);
  }
  return verify(spec.hash, input, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
}

function describe(shape: KeyShape): string {
  if (shape.type === 'ec') return `an EC key on ${curveName(shape.curve)}`;
  if (shape.type === 'rsa' || shape.type === 'rsa-pss') return `an ${shape.type.toUpperCase()} key`;
  return `a key of type "${shape.type ?? 'secret'}"`;
}

function curveName(curve: string | undefined): string {
  return curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : String(curve);
}
