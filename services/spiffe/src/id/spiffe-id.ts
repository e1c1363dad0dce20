import { SpiffeIdInvalidError } from '../errors.js';
import { parseIdString, SPIFFE_PREFIX, validatePath, MAX_SPIFFE_ID_LENGTH } from './parse.js';
import { TrustDomain } from './trust-domain.js';

/**
 * A SPIFFE ID (SPIFFE-ID §2): `spiffe://<trust domain>[/<path>]`, validated on construction.
 * Immutable; compare with {@link SpiffeId.equals}. The string form is canonical, so two equal IDs
 * have equal strings.
 *
 * @example
 * ```ts
 * const id = SpiffeId.parse('spiffe://example.org/ns/prod/sa/web');
 * id.trustDomain.name;                         // 'example.org'
 * id.path;                                     // '/ns/prod/sa/web'
 * id.memberOf(TrustDomain.parse('example.org')); // true
 * SpiffeId.fromPath(id.trustDomain, '/db').toString(); // 'spiffe://example.org/db'
 * ```
 */
export class SpiffeId {
  readonly #id: string;
  readonly #td: TrustDomain;
  readonly #pathIdx: number;

  private constructor(id: string, td: TrustDomain, pathIdx: number) {
    this.#id = id;
    this.#td = td;
    this.#pathIdx = pathIdx;
  }

  /** Parses and validates a SPIFFE ID string. Throws {@link SpiffeIdInvalidError} naming the rule broken. */
  static parse(s: string): SpiffeId {
    if (typeof s !== 'string') throw new TypeError('SpiffeId.parse expects a string');
    const { td, path } = parseIdString(s, SpiffeIdInvalidError);
    return new SpiffeId(s, TrustDomain.unsafeFromValidated(td), s.length - path.length);
  }

  /** Like {@link SpiffeId.parse}, but returns `undefined` instead of throwing. */
  static tryParse(s: string): SpiffeId | undefined {
    try {
      return SpiffeId.parse(s);
    } catch {
      return undefined;
    }
  }

  /**
   * Builds an ID from a trust domain and a path (`''` or `/a/b`), validating the path
   * (SPIFFE-ID §2.2) and the total length (§2.3).
   */
  static fromPath(td: TrustDomain, path: string): SpiffeId {
    validatePath(path, SpiffeIdInvalidError);
    const prefix = td.idString();
    const s = prefix + path;
    if (s.length > MAX_SPIFFE_ID_LENGTH) {
      throw new SpiffeIdInvalidError(`spiffeid: SPIFFE ID is ${s.length} bytes long; at most ${MAX_SPIFFE_ID_LENGTH} are allowed`);
    }
    return new SpiffeId(s, td, prefix.length);
  }

  /** Builds an ID from a trust domain and path segments, each validated: `fromSegments(td, 'ns', 'prod')`. */
  static fromSegments(td: TrustDomain, ...segments: string[]): SpiffeId {
    for (const seg of segments) {
      if (seg.includes('/')) {
        throw new SpiffeIdInvalidError(`spiffeid: a path segment must not contain "/" (got ${JSON.stringify(seg)})`);
      }
    }
    return SpiffeId.fromPath(td, segments.map((s) => `/${s}`).join(''));
  }

  /** The trust domain of this ID. */
  get trustDomain(): TrustDomain {
    return this.#td;
  }

  /** The path: `''` for a trust domain's own ID, otherwise `/seg[/seg...]`. Case-sensitive. */
  get path(): string {
    return this.#id.slice(this.#pathIdx);
  }

  /** The path segments, e.g. `['ns', 'prod']`. */
  get segments(): string[] {
    const p = this.path;
    return p.length === 0 ? [] : p.slice(1).split('/');
  }

  /** True when this is the ID of a trust domain itself (no path), like `spiffe://example.org`. */
  isTrustDomainId(): boolean {
    return this.#pathIdx === this.#id.length;
  }

  /** True when this ID belongs to trust domain `td`. */
  memberOf(td: TrustDomain): boolean {
    return this.#td.equals(td);
  }

  /** True when both are the same ID. */
  equals(other: SpiffeId | undefined | null): boolean {
    return other != null && other.#id === this.#id;
  }

  /** Returns a new ID with `path` (validated) appended to this one's path. */
  appendPath(path: string): SpiffeId {
    return SpiffeId.fromPath(this.#td, this.path + path);
  }

  /** The canonical string form, `spiffe://example.org/path`. */
  toString(): string {
    return this.#id;
  }

  /** Serialises as the string form. */
  toJSON(): string {
    return this.#id;
  }
}

export { SPIFFE_PREFIX, MAX_SPIFFE_ID_LENGTH };
