/**
 * The SPIFFE bundle document (SPIFFE Trust Domain and Bundle §4): a JWK Set with `keys`,
 * `spiffe_sequence` and `spiffe_refresh_hint`. Reading and writing, kept apart from the bundle type.
 * @internal
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { BundleInvalidError, UnsupportedError } from '../errors.js';
import { encodeBase64 } from '../internal/base64url.js';
import { publicKeyToJwk, type PublicJwk } from '../internal/jwk.js';
import { readJson, type JsonObject } from '../internal/json.js';
import { classifyJwk } from './jwk-entry.js';
import { addKey, jwksKeys } from './jwt-bundle.js';

/** Largest `spiffe_sequence` accepted: 2^64 − 1, the widest type consumers are asked to use (§4.1.1). */
export const MAX_SPIFFE_SEQUENCE = (1n << 64n) - 1n;

/** A JWK element of a SPIFFE bundle document that was skipped while parsing it. */
export interface IgnoredBundleKey {
  /** Position of the element in `keys`. */
  readonly index: number;
  /** Its `use`, when it is a string. */
  readonly use: string | undefined;
  /**
   * `unknown`: a missing or unknown `use`, or an unknown key type, which the spec says to ignore
   * (§4.2.1, §4.2.2). `invalid`: a known use and key type that breaks a rule, such as a `jwt-svid`
   * key without `kid` or an `x509-svid` key whose certificate does not match it.
   */
  readonly kind: 'unknown' | 'invalid';
  /** Why it was skipped, naming the member. */
  readonly reason: string;
}

/** The parts of a parsed SPIFFE bundle document. */
export interface SpiffeBundleParts {
  readonly x509: Uint8Array[];
  readonly jwt: Map<string, KeyObject>;
  readonly sequenceNumber: bigint | undefined;
  readonly refreshHint: number | undefined;
}

/**
 * Reads a SPIFFE bundle document. Elements that are unknown or break their use's rules are skipped and
 * reported to `onIgnored` (§4.1.3, §4.2, X509-SVID §6.2, RFC 7517 §5); a document that is not a JWK Set,
 * has a malformed `spiffe_sequence` or `spiffe_refresh_hint`, repeats a JSON member name, or gives one
 * `kid` to two different keys is refused with {@link BundleInvalidError}.
 */
export function readSpiffeBundle(json: string | Uint8Array, onIgnored?: (key: IgnoredBundleKey) => void): SpiffeBundleParts {
  const doc = readJson(json, { Err: BundleInvalidError, what: 'spiffebundle: document', maxDepth: 16, bigIntegers: true });
  const keys = jwksKeys(doc, 'spiffebundle');
  const top = doc as JsonObject;
  const sequenceNumber = readSequence(top['spiffe_sequence']);
  const refreshHint = readRefreshHint(top['spiffe_refresh_hint']);
  const x509: Uint8Array[] = [];
  const jwt = new Map<string, KeyObject>();
  keys.forEach((jwk, index) => {
    const what = `spiffebundle: keys[${index}]`;
    const entry = classifyJwk(jwk, what);
    if (entry.kind === 'x509-svid') x509.push(entry.der);
    else if (entry.kind === 'jwt-svid') addKey(jwt, entry.kid, entry.key, what);
    else onIgnored?.({ index, use: entry.use, kind: entry.kind, reason: entry.reason });
  });
  return { x509, jwt, sequenceNumber, refreshHint };
}

function readSequence(v: unknown): bigint | undefined {
  if (v === undefined) return undefined;
  // §4.1.1: an integer; consumers should keep at least 64 bits. Read exactly, never through a double.
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'bigint' && v >= 0n && v <= MAX_SPIFFE_SEQUENCE) return v;
  if (typeof v === 'bigint' && v > 0n) throw new BundleInvalidError('spiffebundle: member "spiffe_sequence" must fit in 64 bits (at most 18446744073709551615)');
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) {
    throw new BundleInvalidError('spiffebundle: member "spiffe_sequence" must be written as plain digits to be read exactly');
  }
  throw new BundleInvalidError(`spiffebundle: member "spiffe_sequence" must be a non-negative integer (got ${describe(v)})`);
}

function readRefreshHint(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  // §4.1.2: an integer number of seconds.
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw new BundleInvalidError(`spiffebundle: member "spiffe_refresh_hint" must be a non-negative integer number of seconds (got ${describe(v)})`);
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? String(v);
}

/**
 * Writes a SPIFFE bundle document: `spiffe_sequence` (as exact digits) and `spiffe_refresh_hint`
 * when set, then `keys` with one `x509-svid` element per certificate (no `kid`, X509-SVID §6.1) and one
 * `jwt-svid` element per JWT authority (with `kid`, JWT-SVID §6.1). Throws {@link UnsupportedError}
 * when a certificate's key cannot be written as a JWK (only EC and RSA can).
 */
export function writeSpiffeBundle(parts: {
  readonly x509: readonly Uint8Array[];
  readonly jwt: readonly JsonObject[];
  readonly sequenceNumber: bigint | undefined;
  readonly refreshHint: number | undefined;
}): string {
  const keys: JsonObject[] = parts.x509.map((der, i) => {
    let jwk: PublicJwk;
    try {
      jwk = publicKeyToJwk(new X509Certificate(der).publicKey);
    } catch (err) {
      if (err instanceof UnsupportedError) throw new UnsupportedError(`spiffebundle: X.509 authority ${i}: ${err.message}`, { cause: err });
      throw err;
    }
    return Object.assign<JsonObject, PublicJwk, JsonObject>({ kty: jwk.kty, use: 'x509-svid' }, jwk, { x5c: [encodeBase64(der)] });
  });
  for (const jwk of parts.jwt) keys.push(Object.assign({ kty: jwk['kty'], kid: jwk['kid'], use: 'jwt-svid' }, jwk));
  let out = '{';
  if (parts.sequenceNumber !== undefined) out += `"spiffe_sequence":${parts.sequenceNumber.toString()},`;
  if (parts.refreshHint !== undefined) out += `"spiffe_refresh_hint":${parts.refreshHint},`;
  return `${out}"keys":${JSON.stringify(keys)}}`;
}
