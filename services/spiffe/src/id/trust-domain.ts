import { TrustDomainInvalidError } from '../errors.js';
import { parseIdString, SPIFFE_PREFIX } from './parse.js';
import { validateTrustDomainName } from './validate-trust-domain.js';

/**
 * A SPIFFE trust domain (SPIFFE-ID §2.1): the authority of every SPIFFE ID it issues.
 * Immutable; compare with {@link TrustDomain.equals}.
 *
 * @example
 * ```ts
 * const td = TrustDomain.parse('example.org');
 * td.toString();   // 'example.org'
 * td.idString();   // 'spiffe://example.org'
 * TrustDomain.parse('spiffe://example.org/web').equals(td); // true
 * ```
 */
export class TrustDomain {
  readonly #name: string;

  private constructor(name: string) {
    this.#name = name;
  }

  /**
   * Parses a trust domain name (`example.org`), or takes the trust domain of a SPIFFE ID
   * (`spiffe://example.org/path`, which must itself be valid). Throws {@link TrustDomainInvalidError}
   * naming the rule broken.
   */
  static parse(s: string): TrustDomain {
    if (typeof s !== 'string') throw new TypeError('TrustDomain.parse expects a string');
    if (s.includes('://')) return new TrustDomain(parseIdString(s, TrustDomainInvalidError).td);
    validateTrustDomainName(s, TrustDomainInvalidError);
    return new TrustDomain(s);
  }

  /** @internal Wraps a name that the caller has already validated. */
  static unsafeFromValidated(name: string): TrustDomain {
    return new TrustDomain(name);
  }

  /** The trust domain name, e.g. `example.org`. */
  get name(): string {
    return this.#name;
  }

  /** The trust domain name, e.g. `example.org`. */
  toString(): string {
    return this.#name;
  }

  /** The SPIFFE ID of the trust domain itself, as a string: `spiffe://example.org`. */
  idString(): string {
    return SPIFFE_PREFIX + this.#name;
  }

  /** True when both name the same trust domain. */
  equals(other: TrustDomain | undefined | null): boolean {
    return other != null && other.#name === this.#name;
  }

  /** Orders trust domains by name, for stable sorting. */
  compare(other: TrustDomain): number {
    return this.#name < other.#name ? -1 : this.#name > other.#name ? 1 : 0;
  }

  /** Serialises as the bare name. */
  toJSON(): string {
    return this.#name;
  }
}
