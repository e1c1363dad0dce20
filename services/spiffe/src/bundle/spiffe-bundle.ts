import type { KeyObject } from 'node:crypto';
import type { TrustDomain } from '../id/trust-domain.js';
import { JwtBundle, jwtBundleJwks } from './jwt-bundle.js';
import type { JwtBundleSource, SpiffeBundleSource } from './source.js';
import { MAX_SPIFFE_SEQUENCE, readSpiffeBundle, writeSpiffeBundle, type IgnoredBundleKey } from './spiffe-bundle-json.js';
import { X509Bundle, type X509BundleSource } from './x509-bundle.js';

/** Optional metadata of a SPIFFE bundle (SPIFFE Trust Domain and Bundle §4.1.1, §4.1.2). */
export interface SpiffeBundleMetadata {
  /** `spiffe_sequence`: 0 to 2^64 − 1. */
  readonly sequenceNumber?: bigint | undefined;
  /** `spiffe_refresh_hint`, in whole seconds, 0 or more. */
  readonly refreshHint?: number | undefined;
}

/** Options of {@link SpiffeBundle.parse}. */
export interface SpiffeBundleParseOptions {
  /** Called once for every JWK element that was skipped, with the reason; for logging. It may throw to refuse the document. */
  readonly onIgnoredKey?: (key: IgnoredBundleKey) => void;
}

/**
 * A SPIFFE bundle (SPIFFE Trust Domain and Bundle §3, §4): every authority of one trust domain,
 * X.509 (root certificates) and JWT (keys by `kid`), plus the document's sequence number and
 * refresh hint. Immutable. It is itself an X.509, JWT and SPIFFE bundle source for its own trust domain.
 *
 * @example
 * ```ts
 * const td = TrustDomain.parse('example.org');
 * const bundle = SpiffeBundle.parse(td, documentText, { onIgnoredKey: (k) => log.warn(k.reason) });
 * bundle.sequenceNumber;          // 42n
 * bundle.x509Bundle().toPem();    // root certificates as PEM
 * bundle.jwtBundle().findKey(kid);
 * bundle.withSequenceNumber(43n).toJson();
 * ```
 */
export class SpiffeBundle implements X509BundleSource, JwtBundleSource, SpiffeBundleSource {
  readonly #td: TrustDomain;
  readonly #x509: X509Bundle;
  readonly #jwt: JwtBundle;
  readonly #seq: bigint | undefined;
  readonly #hint: number | undefined;

  private constructor(x509: X509Bundle, jwt: JwtBundle, meta: SpiffeBundleMetadata) {
    this.#td = x509.trustDomain;
    this.#x509 = x509;
    this.#jwt = jwt;
    this.#seq = meta.sequenceNumber;
    this.#hint = meta.refreshHint;
  }

  /** A bundle of `td` with no authority and no metadata: every SVID of `td` is untrusted (§4.1.3). */
  static empty(td: TrustDomain): SpiffeBundle {
    return new SpiffeBundle(X509Bundle.empty(td), JwtBundle.empty(td), {});
  }

  /**
   * Parses a SPIFFE bundle document for trust domain `td` (the document does not name its trust domain, §3).
   *
   * Per §4.1.3 and §4.2, JWK elements with a missing or unknown `use`, or an unknown key type, are
   * ignored; so are elements of a known use that break its rules (RFC 7517 §5, X509-SVID §6.2): an
   * `x509-svid` element without a certificate in `x5c` or whose key does not match it, a `jwt-svid`
   * element without `kid`, a key with private members. Only the first `x5c` certificate is used.
   * Every skipped element is reported to `options.onIgnoredKey`. The whole document is refused
   * with {@link BundleInvalidError} when it is not a JSON object with a `keys` array, holds more than
   * {@link MAX_BUNDLE_KEYS} elements, repeats a member name, nests too deep, has a malformed
   * `spiffe_sequence` (read exactly, up to 2^64 − 1) or `spiffe_refresh_hint`, or gives one `kid` to two keys.
   */
  static parse(td: TrustDomain, json: string | Uint8Array, options: SpiffeBundleParseOptions = {}): SpiffeBundle {
    const parts = readSpiffeBundle(json, options.onIgnoredKey);
    return new SpiffeBundle(X509Bundle.fromAuthorities(td, parts.x509), JwtBundle.fromKeys(td, parts.jwt), parts);
  }

  /** A bundle holding the authorities of `x509` and `jwt`, which must be of the same trust domain (`TypeError` otherwise). */
  static fromX509AndJwt(x509: X509Bundle, jwt: JwtBundle, meta: SpiffeBundleMetadata = {}): SpiffeBundle {
    if (!x509.trustDomain.equals(jwt.trustDomain)) {
      throw new TypeError(`spiffebundle: X.509 bundle of "${x509.trustDomain}" and JWT bundle of "${jwt.trustDomain}" are for different trust domains`);
    }
    return new SpiffeBundle(x509, jwt, checkMeta(meta));
  }

  /** The trust domain this bundle belongs to. */
  get trustDomain(): TrustDomain {
    return this.#td;
  }

  /** `spiffe_sequence`, when set. */
  get sequenceNumber(): bigint | undefined {
    return this.#seq;
  }

  /** `spiffe_refresh_hint` in seconds, when set. */
  get refreshHint(): number | undefined {
    return this.#hint;
  }

  /** The X.509 authorities as DER certificates. */
  x509Authorities(): readonly Uint8Array[] {
    return this.#x509.x509Authorities();
  }

  /** A copy of the JWT authorities, `kid` → public key. */
  jwtAuthorities(): Map<string, KeyObject> {
    return this.#jwt.jwtAuthorities();
  }

  /** The X.509 authorities as an {@link X509Bundle}. */
  x509Bundle(): X509Bundle {
    return this.#x509;
  }

  /** The JWT authorities as a {@link JwtBundle}. */
  jwtBundle(): JwtBundle {
    return this.#jwt;
  }

  /** A new bundle with the X.509 authorities of `x509` (same trust domain, `TypeError` otherwise) and the rest unchanged. */
  withX509Bundle(x509: X509Bundle): SpiffeBundle {
    return SpiffeBundle.fromX509AndJwt(x509, this.#jwt, this.#meta());
  }

  /** A new bundle with the JWT authorities of `jwt` (same trust domain, `TypeError` otherwise) and the rest unchanged. */
  withJwtBundle(jwt: JwtBundle): SpiffeBundle {
    return SpiffeBundle.fromX509AndJwt(this.#x509, jwt, this.#meta());
  }

  /** A new bundle with `spiffe_sequence` set to `n` (or removed when `undefined`). */
  withSequenceNumber(n: bigint | undefined): SpiffeBundle {
    return new SpiffeBundle(this.#x509, this.#jwt, checkMeta({ sequenceNumber: n, refreshHint: this.#hint }));
  }

  /** A new bundle with `spiffe_refresh_hint` set to `seconds` (or removed when `undefined`). */
  withRefreshHint(seconds: number | undefined): SpiffeBundle {
    return new SpiffeBundle(this.#x509, this.#jwt, checkMeta({ sequenceNumber: this.#seq, refreshHint: seconds }));
  }

  /** True when the bundle holds no authority of any kind. */
  isEmpty(): boolean {
    return this.#x509.isEmpty() && this.#jwt.isEmpty();
  }

  /**
   * The bundle as a SPIFFE bundle document; `spiffe_sequence` is written as exact digits.
   * Throws {@link UnsupportedError} when an X.509 authority's key is neither EC nor RSA.
   */
  toJson(): string {
    return writeSpiffeBundle({ x509: this.#x509.x509Authorities(), jwt: jwtBundleJwks(this.#jwt), sequenceNumber: this.#seq, refreshHint: this.#hint });
  }

  /**
   * True when both are for the same trust domain, hold the same X.509 and JWT authorities (in any
   * order) and have the same sequence number and refresh hint.
   */
  equals(other: SpiffeBundle): boolean {
    const mine = this.#x509.x509Authorities();
    return (
      this.#td.equals(other.#td) &&
      this.#seq === other.#seq &&
      this.#hint === other.#hint &&
      mine.length === other.#x509.x509Authorities().length &&
      mine.every((der) => other.#x509.hasX509Authority(der)) &&
      this.#jwt.equals(other.#jwt)
    );
  }

  /** Satisfies {@link X509BundleSource} for this bundle's own trust domain. */
  getX509BundleForTrustDomain(td: TrustDomain): X509Bundle | undefined {
    return td.equals(this.#td) ? this.#x509 : undefined;
  }

  /** Satisfies {@link JwtBundleSource} for this bundle's own trust domain. */
  getJwtBundleForTrustDomain(td: TrustDomain): JwtBundle | undefined {
    return td.equals(this.#td) ? this.#jwt : undefined;
  }

  /** Satisfies {@link SpiffeBundleSource} for this bundle's own trust domain. */
  getSpiffeBundleForTrustDomain(td: TrustDomain): SpiffeBundle | undefined {
    return td.equals(this.#td) ? this : undefined;
  }

  #meta(): SpiffeBundleMetadata {
    return { sequenceNumber: this.#seq, refreshHint: this.#hint };
  }
}

function checkMeta(meta: SpiffeBundleMetadata): SpiffeBundleMetadata {
  const { sequenceNumber: seq, refreshHint: hint } = meta;
  if (seq !== undefined && (typeof seq !== 'bigint' || seq < 0n || seq > MAX_SPIFFE_SEQUENCE)) {
    throw new TypeError('spiffebundle: sequenceNumber must be a bigint from 0 to 2^64 - 1');
  }
  if (hint !== undefined && !(typeof hint === 'number' && Number.isSafeInteger(hint) && hint >= 0)) {
    throw new TypeError('spiffebundle: refreshHint must be a non-negative integer number of seconds');
  }
  return { sequenceNumber: seq, refreshHint: hint };
}
