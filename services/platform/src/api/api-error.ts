/**
 * The errors Signet's services raise at their API boundary, and their status codes.
 *
 * Service code throws {@link ApiError} (or lets a domain error from `@signet/spiffe` or
 * `@signet/datastore` through); the transports turn any error into a wire status with
 * {@link toGrpcStatus} / {@link toHttpStatus} in `status-map.ts`, the one place that decides
 * codes and what is hidden from callers.
 * @module
 */

/** The status classes of the API, named like gRPC's codes. */
export type ApiCode =
  | 'invalid_argument'
  | 'not_found'
  | 'already_exists'
  | 'permission_denied'
  | 'unauthenticated'
  | 'failed_precondition'
  | 'aborted'
  | 'resource_exhausted'
  | 'unavailable'
  | 'deadline_exceeded'
  | 'unimplemented'
  | 'internal';

/** Options of an {@link ApiError}. */
export interface ApiErrorOptions {
  /** The request field at fault, e.g. `entries[2].selectors[0].type`. */
  readonly field?: string;
  /** For `resource_exhausted`: when the caller may retry, in milliseconds. */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/**
 * An error to report to an API caller: a status class, a message naming the field and the rule
 * broken, and optionally the field path.
 *
 * @example
 * ```ts
 * throw new ApiError('invalid_argument', 'selectors: at least one selector is required', { field: 'selectors' });
 * ```
 */
export class ApiError extends Error {
  readonly apiCode: ApiCode;
  readonly field: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ApiCode, message: string, options: ApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.apiCode = code;
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Shorthand for an `invalid_argument` error on `field`; the message is prefixed with the field. */
  static invalid(field: string, rule: string, cause?: unknown): ApiError {
    return new ApiError('invalid_argument', `${field}: ${rule}`, { field, cause });
  }
}
