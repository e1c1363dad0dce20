/**
 * The x509pop proof of possession. The server sends a fresh 32-byte random nonce as the
 * challenge; the node answers with a signature, by the private key of its leaf certificate,
 * over these exact bytes:
 *
 * ```text
 * "signet x509pop challenge v1" || 0x00 || <trust domain name, UTF-8> || 0x00 || <nonce>
 * ```
 *
 * The fixed prefix separates this signature from any other use of the node's key, and the
 * trust domain binds it to the server that asked. Signature schemes, by key type:
 *
 * | Leaf key | Scheme | Encoding of the response |
 * | --- | --- | --- |
 * | EC P-256 / P-384 / P-521 | ECDSA with SHA-256 / SHA-384 / SHA-512 | DER `Ecdsa-Sig-Value` (r, s) |
 * | RSA (2048 bits or more) | RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt | raw signature (modulus length) |
 * | Ed25519 | Ed25519 (pure) | raw 64-byte signature |
 * @module
 */
import { constants, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/** The domain-separation prefix of the signed bytes. */
export const X509POP_CONTEXT = 'signet x509pop challenge v1';
/** Length of the challenge nonce in bytes. */
export const X509POP_NONCE_BYTES = 32;
/** Smallest RSA modulus accepted for a node key, in bits. */
export const MIN_RSA_BITS = 2048;

/** A fresh random nonce. */
export function newX509PopNonce(): Uint8Array {
  return new Uint8Array(randomBytes(X509POP_NONCE_BYTES));
}

/** The exact bytes a node signs for `nonce` from the server of `trustDomain`. */
export function x509PopSignedBytes(trustDomain: string, nonce: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(X509POP_CONTEXT, 'ascii'), Buffer.of(0), Buffer.from(trustDomain, 'utf8'), Buffer.of(0), nonce]);
}

/** A signing scheme for one key, or the reason the key cannot be used. */
type Scheme = { readonly hash: string | null; readonly pss: boolean } | { readonly unsupported: string };

/** The scheme {@link signX509PopChallenge} and {@link verifyX509PopResponse} use for `key`. */
function schemeFor(key: KeyObject): Scheme {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const hash = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' }[details.namedCurve ?? ''];
      return hash === undefined ? { unsupported: `EC curve ${details.namedCurve ?? 'unknown'}` } : { hash, pss: false };
    }
    case 'rsa':
    case 'rsa-pss':
      if ((details.modulusLength ?? 0) < MIN_RSA_BITS) return { unsupported: `RSA key of ${details.modulusLength ?? 0} bits` };
      return { hash: 'sha256', pss: true };
    case 'ed25519':
      return { hash: null, pss: false };
    default:
      return { unsupported: `${key.asymmetricKeyType ?? 'unknown'} key` };
  }
}

/** Why `publicKey` cannot answer an x509pop challenge, or `undefined` when it can. */
export function unsupportedKeyReason(publicKey: KeyObject): string | undefined {
  const scheme = schemeFor(publicKey);
  return 'unsupported' in scheme ? `${scheme.unsupported} is not supported (use EC P-256/P-384/P-521, RSA of ${MIN_RSA_BITS} bits or more, or Ed25519)` : undefined;
}

/**
 * The node side: signs the challenge `nonce` from the server of `trustDomain` with the node
 * key. Throws a `TypeError` for an unsupported key.
 *
 * @example
 * ```ts
 * const response = signX509PopChallenge(nodeKey, 'example.org', challenge);
 * ```
 */
export function signX509PopChallenge(privateKey: KeyObject, trustDomain: string, nonce: Uint8Array): Uint8Array {
  const scheme = schemeFor(privateKey);
  if ('unsupported' in scheme) throw new TypeError(`x509pop: ${scheme.unsupported} is not supported`);
  const data = x509PopSignedBytes(trustDomain, nonce);
  const key = scheme.pss ? { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : privateKey;
  return new Uint8Array(sign(scheme.hash, data, key));
}

/** The server side: whether `signature` answers `nonce` for `trustDomain` under `publicKey`. */
export function verifyX509PopResponse(publicKey: KeyObject, trustDomain: string, nonce: Uint8Array, signature: Uint8Array): boolean {
  const scheme = schemeFor(publicKey);
  if ('unsupported' in scheme) return false;
  const data = x509PopSignedBytes(trustDomain, nonce);
  const key = scheme.pss ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : publicKey;
  try {
    return verify(scheme.hash, data, key, signature);
  } catch {
    return false;
  }
}
