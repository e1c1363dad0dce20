import { X509Certificate } from 'node:crypto';
import { BundleInvalidError } from '../errors.js';
import type { TrustDomain } from '../id/trust-domain.js';
import { bytesEqual, encodePem } from '../internal/pem.js';
import { parsePemCertificates } from '../svid/x509/encoding.js';

/**
 * The X.509 authorities (root CA certificates) of one trust domain: what X.509-SVIDs of that trust
 * domain are verified against (SPIFFE Trust Domain and Bundle §4.1). Immutable: "modifying" methods
 * return a new bundle. Authorities are held as DER bytes, in insertion order, without duplicates.
 *
 * @example
 * ```ts
 * const bundle = X509Bundle.parsePem(TrustDomain.parse('example.org'), pemText);
 * bundle.x509Authorities().length; // number of root certificates
 * bundle.toPem();                  // PEM text again
 * ```
 */
export class X509Bundle {
  readonly #td: TrustDomain;
  readonly #authorities: readonly Uint8Array[];

  private constructor(td: TrustDomain, authorities: readonly Uint8Array[]) {
    this.#td = td;
    this.#authorities = authorities;
  }

  /** An empty bundle for `td`. */
  static empty(td: TrustDomain): X509Bundle {
    return new X509Bundle(td, []);
  }

  /**
   * A bundle of the given DER certificates. Each must parse as an X.509 certificate; duplicates are dropped.
   * Throws {@link BundleInvalidError} otherwise.
   */
  static fromAuthorities(td: TrustDomain, authorities: Iterable<Uint8Array>): X509Bundle {
    const out: Uint8Array[] = [];
    let i = 0;
    for (const der of authorities) {
      assertCertificate(der, `x509bundle: authority ${i}`);
      if (!out.some((d) => bytesEqual(d, der))) out.push(Uint8Array.from(der));
      i++;
    }
    return new X509Bundle(td, out);
  }

  /**
   * Parses PEM text holding zero or more `CERTIFICATE` blocks. Any other block type, or a block
   * that is not a certificate, is an error ({@link BundleInvalidError}).
   */
  static parsePem(td: TrustDomain, pem: string): X509Bundle {
    return X509Bundle.fromAuthorities(td, parsePemCertificates(pem));
  }

  /** The trust domain this bundle belongs to. */
  get trustDomain(): TrustDomain {
    return this.#td;
  }

  /** The authorities, as DER certificates. The array and its bytes must not be mutated. */
  x509Authorities(): readonly Uint8Array[] {
    return this.#authorities;
  }

  /** True when `der` is one of the authorities. */
  hasX509Authority(der: Uint8Array): boolean {
    return this.#authorities.some((a) => bytesEqual(a, der));
  }

  /** A new bundle with `der` added (no-op if present). */
  withX509Authority(der: Uint8Array): X509Bundle {
    if (this.hasX509Authority(der)) return this;
    assertCertificate(der, 'x509bundle: authority');
    return new X509Bundle(this.#td, [...this.#authorities, Uint8Array.from(der)]);
  }

  /** A new bundle without `der`. */
  withoutX509Authority(der: Uint8Array): X509Bundle {
    return new X509Bundle(this.#td, this.#authorities.filter((a) => !bytesEqual(a, der)));
  }

  /** True when the bundle has no authority. */
  isEmpty(): boolean {
    return this.#authorities.length === 0;
  }

  /** The authorities as concatenated PEM `CERTIFICATE` blocks. */
  toPem(): string {
    return this.#authorities.map((d) => encodePem('CERTIFICATE', d)).join('');
  }

  /** True when both bundles are for the same trust domain and hold the same authorities in the same order. */
  equals(other: X509Bundle): boolean {
    return (
      this.#td.equals(other.#td) &&
      this.#authorities.length === other.#authorities.length &&
      this.#authorities.every((a, i) => bytesEqual(a, other.#authorities[i]!))
    );
  }

  /** Satisfies {@link X509BundleSource} for this bundle's own trust domain. */
  getX509BundleForTrustDomain(td: TrustDomain): X509Bundle | undefined {
    return td.equals(this.#td) ? this : undefined;
  }
}

/**
 * Anything that can hand out the X.509 bundle of a trust domain: a bundle, a bundle set, a live
 * Workload API watcher. Verification depends only on this.
 */
export interface X509BundleSource {
  /** The bundle of `td`, or `undefined` when none is known. */
  getX509BundleForTrustDomain(td: TrustDomain): X509Bundle | undefined;
}

function assertCertificate(der: Uint8Array, what: string): void {
  try {
    new X509Certificate(der);
  } catch (err) {
    throw new BundleInvalidError(`${what} is not a valid DER X.509 certificate`, { cause: err });
  }
}
