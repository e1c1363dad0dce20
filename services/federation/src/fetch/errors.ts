/**
 * Why a bundle fetch failed, as a small closed set of kinds: the `outcome` attribute of the
 * fetch metric and the prefix of `federation_status.last_error`.
 * @module
 */

/** The kinds of fetch failure. */
export const FETCH_ERROR_KINDS = [
  /** The relationship's URL is not a valid bundle endpoint URL (https, no userinfo; §5.2.1.1, §5.2.2.1). */
  'invalid_url',
  /** TCP connection failed or was reset. */
  'connect',
  /** TLS handshake failed, or (https_web) the certificate did not verify for the host (RFC 6125). */
  'tls',
  /** https_spiffe: the server's X.509-SVID did not verify, or is not the endpoint SPIFFE ID. */
  'authentication',
  /** The whole fetch (connect, TLS, headers, body, redirects) took longer than `fetch_timeout`. */
  'timeout',
  /** The response status was not 200. */
  'http_status',
  /** A redirect was not acceptable (too many, or to a URL that is not a bundle endpoint URL). */
  'redirect',
  /** The body was larger than `max_bundle_size`. */
  'too_large',
  /** The body is not a SPIFFE bundle document. */
  'invalid_bundle',
  /** The bundle's X.509 authorities name another trust domain. */
  'wrong_trust_domain',
  /** The bundle holds no X.509 authority. */
  'no_authorities',
  /** `spiffe_sequence` is lower than the one of the bundle held. */
  'stale_sequence',
  /** Reading or writing the datastore failed. */
  'datastore',
  /** Anything else (a bug): see the log. */
  'internal',
] as const;

/** One of {@link FETCH_ERROR_KINDS}. */
export type FetchErrorKind = (typeof FETCH_ERROR_KINDS)[number];

/**
 * A failed bundle fetch; `message` is what `federation_status.last_error` records after the kind.
 *
 * @example
 * ```ts
 * throw new BundleFetchError('too_large', 'the body exceeds max_bundle_size (1048576 bytes)');
 * ```
 */
export class BundleFetchError extends Error {
  readonly kind: FetchErrorKind;

  constructor(kind: FetchErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BundleFetchError';
    this.kind = kind;
  }

  /** `<kind>: <message>`, as recorded in `federation_status.last_error`. */
  describe(): string {
    return `${this.kind}: ${this.message}`;
  }
}
