/**
 * The lifetime of an SVID: what was asked for, bounded by the entry's lifetime and the CA
 * default, and never beyond the signing authority's expiry.
 * @module
 */
import { ApiError } from '@signet/platform';

/** Inputs of {@link svidTtlSeconds}. */
export interface TtlInputs {
  /** Requested seconds; 0 (or absent) means "the longest allowed". */
  readonly requested?: number | undefined;
  /** The entry's lifetime in seconds; 0 (or absent) means "the default". */
  readonly entryTtl?: number | undefined;
  /** The CA default for this kind of SVID, in seconds. */
  readonly defaultTtl: number;
  /** When the signing authority expires. */
  readonly authorityNotAfter: Date;
  readonly now: Date;
}

/**
 * `min(requested, entry TTL, default TTL, whole seconds left to the authority)`, where a
 * requested or entry TTL of 0 means "not set". An entry may shorten its SVIDs' lifetime, never
 * lengthen it past the CA default (raise `ca.x509_svid_ttl` / `ca.jwt_svid_ttl` for that). Throws `invalid_argument` on `ttl` for a negative or fractional
 * request and `unavailable` when the authority has less than a second left.
 *
 * @example
 * ```ts
 * svidTtlSeconds({ requested: 0, entryTtl: 600, defaultTtl: 3600, authorityNotAfter, now }); // 600
 * ```
 */
export function svidTtlSeconds(inputs: TtlInputs): number {
  const requested = inputs.requested ?? 0;
  if (!Number.isSafeInteger(requested) || requested < 0) throw ApiError.invalid('ttl', 'must be a whole number of seconds, 0 or more');
  const entryTtl = inputs.entryTtl ?? 0;
  const cap = entryTtl > 0 ? Math.min(entryTtl, inputs.defaultTtl) : inputs.defaultTtl;
  const wanted = requested > 0 ? Math.min(requested, cap) : cap;
  const left = Math.floor((inputs.authorityNotAfter.getTime() - inputs.now.getTime()) / 1000);
  if (left < 1) throw new ApiError('unavailable', 'ca: the signing authority has expired; waiting for rotation');
  return Math.min(wanted, left);
}
