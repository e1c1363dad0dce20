/**
 * Errors raised by `@signet/spiffe`.
 *
 * Every error that comes from untrusted input (an ID string, a certificate, a
 * token, a bundle document) is a {@link SpiffeError} subclass with a stable
 * `code`, so callers can `switch (err.code)` and transports can map errors to
 * wire status codes in one place. Programmer mistakes (a wrong option type)
 * throw a plain `TypeError` instead.
 *
 * Messages name the rule that was broken, for example
 * `spiffeid: trust domain must be lowercase (got "Example.org", use "example.org")`.
 *
 * @example
 * ```ts
 * import { SpiffeId, SpiffeError } from '@signet/spiffe';
 * try {
 *   SpiffeId.parse('spiffe://example.org/a/../b');
 * } catch (err) {
 *   if (err instanceof SpiffeError && err.code === 'ERR_SPIFFE_ID_INVALID') console.log(err.message);
 * }
 * ```
 * @module
 */

/** Every stable error code this package can raise. */
export type SpiffeErrorCode =
  | 'ERR_SPIFFE_ID_INVALID'
  | 'ERR_TRUST_DOMAIN_INVALID'
  | 'ERR_X509_SVID_INVALID'
  | 'ERR_X509_SVID_VERIFICATION_FAILED'
  | 'ERR_X509_CSR_INVALID'
  | 'ERR_JWT_SVID_INVALID'
  | 'ERR_JWT_SVID_VERIFICATION_FAILED'
  | 'ERR_JWT_SVID_EXPIRED'
  | 'ERR_JWT_SVID_AUDIENCE'
  | 'ERR_BUNDLE_INVALID'
  | 'ERR_BUNDLE_NOT_FOUND'
  | 'ERR_KEY_INVALID'
  | 'ERR_UNSUPPORTED';

/** Base class of every error raised for bad input by `@signet/spiffe`. */
export class SpiffeError extends Error {
  /** A stable, machine-readable code; the class of the error is implied by it. */
  static readonly code: SpiffeErrorCode = 'ERR_UNSUPPORTED';
  /** The stable error code of this instance. */
  readonly code: SpiffeErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as unknown as { code: SpiffeErrorCode }).code;
  }
}

/** A SPIFFE ID string breaks a rule of SPIFFE-ID §2. */
export class SpiffeIdInvalidError extends SpiffeError {
  static override readonly code = 'ERR_SPIFFE_ID_INVALID' as const;
}

/** A trust domain name breaks a rule of SPIFFE-ID §2.1. */
export class TrustDomainInvalidError extends SpiffeError {
  static override readonly code = 'ERR_TRUST_DOMAIN_INVALID' as const;
}

/** An X.509-SVID (certificate chain or key) breaks a rule of X509-SVID §4/§5, or cannot be parsed. */
export class X509SvidInvalidError extends SpiffeError {
  static override readonly code = 'ERR_X509_SVID_INVALID' as const;
}

/** An X.509-SVID chain does not verify against the trust bundle (signature, validity, path). */
export class X509SvidVerificationError extends SpiffeError {
  static override readonly code = 'ERR_X509_SVID_VERIFICATION_FAILED' as const;
}

/** A PKCS#10 certificate signing request cannot be parsed, or its signature does not verify. */
export class CsrInvalidError extends SpiffeError {
  static override readonly code = 'ERR_X509_CSR_INVALID' as const;
}

/** A JWT-SVID is malformed or breaks a rule of JWT-SVID §2/§3 (header, claims, algorithm). */
export class JwtSvidInvalidError extends SpiffeError {
  static override readonly code = 'ERR_JWT_SVID_INVALID' as const;
}

/** A JWT-SVID's signature does not verify, or its key is not in the bundle. */
export class JwtSvidVerificationError extends SpiffeError {
  static override readonly code = 'ERR_JWT_SVID_VERIFICATION_FAILED' as const;
}

/** A JWT-SVID has expired (or is not valid yet), beyond the allowed clock skew. */
export class JwtSvidExpiredError extends SpiffeError {
  static override readonly code = 'ERR_JWT_SVID_EXPIRED' as const;
}

/** A JWT-SVID's audience does not contain the expected audience. */
export class JwtSvidAudienceError extends SpiffeError {
  static override readonly code = 'ERR_JWT_SVID_AUDIENCE' as const;
}

/** A bundle document (SPIFFE JSON, PEM, JWKS) cannot be parsed or breaks a rule of the bundle spec. */
export class BundleInvalidError extends SpiffeError {
  static override readonly code = 'ERR_BUNDLE_INVALID' as const;
}

/** No bundle is known for the trust domain an SVID belongs to. */
export class BundleNotFoundError extends SpiffeError {
  static override readonly code = 'ERR_BUNDLE_NOT_FOUND' as const;
}

/** A key (PEM, DER, JWK) cannot be parsed, is of an unsupported type, or does not match its certificate. */
export class KeyInvalidError extends SpiffeError {
  static override readonly code = 'ERR_KEY_INVALID' as const;
}

/** An algorithm, key type or feature is not supported. */
export class UnsupportedError extends SpiffeError {
  static override readonly code = 'ERR_UNSUPPORTED' as const;
}

/** Union of every concrete error class, for exhaustive handling. */
export type AnySpiffeError =
  | SpiffeIdInvalidError
  | TrustDomainInvalidError
  | X509SvidInvalidError
  | X509SvidVerificationError
  | CsrInvalidError
  | JwtSvidInvalidError
  | JwtSvidVerificationError
  | JwtSvidExpiredError
  | JwtSvidAudienceError
  | BundleInvalidError
  | BundleNotFoundError
  | KeyInvalidError
  | UnsupportedError;
