import { KeyObject } from 'node:crypto';
import { BundleInvalidError, KeyInvalidError } from '../errors.js';
import type { TrustDomain } from '../id/trust-domain.js';
import { publicKeyToJwk, type PublicJwk } from '../internal/jwk.js';
import { isJsonObject, readJson, type JsonObject } from '../internal/json.js';
import { classifyJwk } from './jwk-entry.js';
import { jwtAuthorityProblem } from './jwt-authority.js';

/** Most keys a JWKS or SPIFFE bundle document may hold before it is refused as pathological. */
export const MAX_BUNDLE_KEYS = 4096;

/**
 * The JWT authorities of one trust domain: public keys by key ID (`kid`), what JWT-SVIDs of that
 * trust domain are verified against (JWT-SVID §6). Immutable: "modifying" methods return a new
 * bundle. Keys are EC P-256/P-384/P-521 or RSA (at least 2048 bits) public `KeyObject`s, kept as
 * they are so verification never re-imports them.
 *
 * @example
 * ```ts
 * const td = TrustDomain.parse('example.org');
 * const bundle = JwtBundle.parseJwks(td, '{"keys":[{"kty":"EC","kid":"k1","crv":"P-256","x":"...","y":"..."}]}');
 * bundle.findKey('k1');   // KeyObject | undefined
 * bundle.toJwks();        // JWKS text again
 * ```
 */
export class JwtBundle {
  readonly #td: TrustDomain;
  readonly #keys: ReadonlyMap<string, KeyObject>;

  private constructor(td: TrustDomain, keys: ReadonlyMap<string, KeyObject>) {
    this.#td = td;
    this.#keys = keys;
  }

  /** An empty bundle for `td`: a trust domain whose JWT-SVIDs are all untrusted. */
  static empty(td: TrustDomain): JwtBundle {
    return new JwtBundle(td, new Map());
  }

  /**
   * A bundle of the given `kid` → public key pairs. Throws `TypeError` for an empty `kid` or a key
   * that is not a public `KeyObject`, {@link KeyInvalidError} for a key that cannot be a JWT
   * authority (not EC P-256/P-384/P-521, or RSA under 2048 bits), and {@link BundleInvalidError}
   * when one `kid` is given two different keys.
   */
  static fromKeys(td: TrustDomain, keys: ReadonlyMap<string, KeyObject> | Iterable<readonly [string, KeyObject]>): JwtBundle {
    const out = new Map<string, KeyObject>();
    for (const [kid, key] of keys) {
      assertAuthority(kid, key);
      addKey(out, kid, key, `jwtbundle: key ${JSON.stringify(kid)}`);
    }
    return new JwtBundle(td, out);
  }

  /**
   * Parses a JWK Set (RFC 7517 §5) of JWT authorities, each with a `kid`. Elements whose `use` is
   * set to something other than `jwt-svid` or `sig` (such as the `x509-svid` keys of a SPIFFE
   * bundle), and elements of an unknown key type, are skipped (RFC 7517 §5). Any other broken
   * element fails the whole document with {@link BundleInvalidError}: a JWKS given as JWT
   * authorities is expected to be entirely usable. Duplicate JSON member names are refused.
   */
  static parseJwks(td: TrustDomain, json: string | Uint8Array): JwtBundle {
    const doc = readJson(json, { Err: BundleInvalidError, what: 'jwtbundle: JWKS', maxDepth: 16 });
    const keys = jwksKeys(doc, 'jwtbundle');
    const out = new Map<string, KeyObject>();
    keys.forEach((jwk, i) => {
      const what = `jwtbundle: keys[${i}]`;
      const entry = classifyJwk(jwk, what, true);
      if (entry.kind === 'invalid') throw new BundleInvalidError(entry.reason, { cause: entry.cause });
      if (entry.kind === 'jwt-svid') addKey(out, entry.kid, entry.key, what);
    });
    return new JwtBundle(td, out);
  }

  /** The trust domain this bundle belongs to. */
  get trustDomain(): TrustDomain {
    return this.#td;
  }

  /** How many JWT authorities the bundle holds. */
  get size(): number {
    return this.#keys.size;
  }

  /** A copy of the authorities, `kid` → public key, in insertion order. */
  jwtAuthorities(): Map<string, KeyObject> {
    return new Map(this.#keys);
  }

  /** The authority with key ID `kid`, or `undefined`. This is the lookup used to verify a JWT-SVID. */
  findKey(kid: string): KeyObject | undefined {
    return this.#keys.get(kid);
  }

  /** True when an authority has key ID `kid`. */
  hasKey(kid: string): boolean {
    return this.#keys.has(kid);
  }

  /** A new bundle with `key` under `kid`, replacing any key that had that `kid`. Same checks as {@link JwtBundle.fromKeys}. */
  withKey(kid: string, key: KeyObject): JwtBundle {
    assertAuthority(kid, key);
    if (this.#keys.get(kid)?.equals(key) === true) return this;
    return new JwtBundle(this.#td, new Map(this.#keys).set(kid, key));
  }

  /** A new bundle without the authority `kid` (the same bundle when there is none). */
  withoutKey(kid: string): JwtBundle {
    if (!this.#keys.has(kid)) return this;
    const keys = new Map(this.#keys);
    keys.delete(kid);
    return new JwtBundle(this.#td, keys);
  }

  /** True when the bundle has no authority. */
  isEmpty(): boolean {
    return this.#keys.size === 0;
  }

  /** The authorities as a JWKS document: `{"keys":[{"kty":..,"kid":..,...}]}`, without `use`. */
  toJwks(): string {
    return JSON.stringify({ keys: jwtBundleJwks(this) });
  }

  /** True when both bundles are for the same trust domain and map the same key IDs to equal keys (order ignored). */
  equals(other: JwtBundle): boolean {
    if (!this.#td.equals(other.#td) || this.#keys.size !== other.#keys.size) return false;
    for (const [kid, key] of this.#keys) {
      if (other.#keys.get(kid)?.equals(key) !== true) return false;
    }
    return true;
  }

  /** Satisfies {@link JwtBundleSource} for this bundle's own trust domain. */
  getJwtBundleForTrustDomain(td: TrustDomain): JwtBundle | undefined {
    return td.equals(this.#td) ? this : undefined;
  }
}

/** The authorities of `bundle` as JWK objects, each with its `kid`. @internal */
export function jwtBundleJwks(bundle: JwtBundle): JsonObject[] {
  return [...bundle.jwtAuthorities()].map(([kid, key]) => {
    const jwk = publicKeyToJwk(key);
    return Object.assign<JsonObject, PublicJwk>({ kty: jwk.kty, kid }, jwk);
  });
}

/** Reads the `keys` array of a JWK Set document, refusing anything that is not one. @internal */
export function jwksKeys(doc: unknown, prefix: string): JsonObject[] {
  if (!isJsonObject(doc)) throw new BundleInvalidError(`${prefix}: document must be a JSON object`);
  const keys = doc['keys'];
  if (!Array.isArray(keys)) throw new BundleInvalidError(`${prefix}: member "keys" is required and must be an array`);
  if (keys.length > MAX_BUNDLE_KEYS) throw new BundleInvalidError(`${prefix}: member "keys" holds ${keys.length} keys; at most ${MAX_BUNDLE_KEYS} are allowed`);
  keys.forEach((k, i) => {
    if (!isJsonObject(k)) throw new BundleInvalidError(`${prefix}: keys[${i}] must be a JSON object (a JWK)`);
  });
  return keys as JsonObject[];
}

/** Adds `kid` → `key` unless present; the same kid with a different key is ambiguous and refused. @internal */
export function addKey(keys: Map<string, KeyObject>, kid: string, key: KeyObject, what: string): void {
  const have = keys.get(kid);
  if (have === undefined) keys.set(kid, key);
  else if (!have.equals(key)) throw new BundleInvalidError(`${what}: key ID ${JSON.stringify(kid)} is used by two different keys`);
}

function assertAuthority(kid: unknown, key: unknown): asserts key is KeyObject {
  if (typeof kid !== 'string' || kid.length === 0) throw new TypeError('jwtbundle: a key ID must be a non-empty string');
  if (!(key instanceof KeyObject) || key.type !== 'public') {
    throw new TypeError(`jwtbundle: key ${JSON.stringify(kid)} must be a public KeyObject`);
  }
  const problem = jwtAuthorityProblem(key);
  if (problem !== undefined) throw new KeyInvalidError(`jwtbundle: key ${JSON.stringify(kid)}: ${problem}`);
}
