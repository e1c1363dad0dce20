import type { SpiffeId } from '../../id/spiffe-id.js';
import type { JwtSvidAlgorithm } from './algorithms.js';

/** The JOSE header of a JWT-SVID: only `alg`, `kid` and `typ` may appear (JWT-SVID §2). */
export interface JwtSvidHeader {
  /** The signature algorithm (JWT-SVID §2.1). */
  readonly alg: JwtSvidAlgorithm;
  /** The key ID of the signing authority in the trust domain's bundle (JWT-SVID §2.2). */
  readonly kid?: string;
  /** `JWT` or `JOSE` when present (JWT-SVID §2.3). */
  readonly typ?: 'JWT' | 'JOSE';
}

/**
 * A JWT-SVID, as read from a token: by {@link parseAndValidateJwtSvid} once its signature, times and
 * audience are checked, or by {@link parseInsecureJwtSvid} for display only.
 */
export interface JwtSvid {
  /** The SPIFFE ID from the `sub` claim (JWT-SVID §3.1). */
  readonly id: SpiffeId;
  /** The `aud` claim, always as a list (JWT-SVID §3.2). */
  readonly audience: readonly string[];
  /** The `exp` claim (JWT-SVID §3.3). */
  readonly expiresAt: Date;
  /** The `iat` claim, when present. */
  readonly issuedAt?: Date;
  /** The `nbf` claim, when present. */
  readonly notBefore?: Date;
  /** Every claim of the token, registered and private, as decoded. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The JOSE header. */
  readonly header: JwtSvidHeader;
  /** The token itself, in compact serialization. */
  readonly token: string;
}
