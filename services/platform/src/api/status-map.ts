/**
 * The one place that maps errors to gRPC status codes and HTTP statuses, and decides what a
 * caller may see. Handlers never build statuses themselves.
 * @module
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ApiError, type ApiCode } from './api-error.js';

/** gRPC status code of each API code. */
const GRPC: Readonly<Record<ApiCode, GrpcStatus>> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  not_found: GrpcStatus.NOT_FOUND,
  already_exists: GrpcStatus.ALREADY_EXISTS,
  permission_denied: GrpcStatus.PERMISSION_DENIED,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  failed_precondition: GrpcStatus.FAILED_PRECONDITION,
  aborted: GrpcStatus.ABORTED,
  resource_exhausted: GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  deadline_exceeded: GrpcStatus.DEADLINE_EXCEEDED,
  unimplemented: GrpcStatus.UNIMPLEMENTED,
  internal: GrpcStatus.INTERNAL,
};

/** HTTP status of each API code. */
const HTTP: Readonly<Record<ApiCode, number>> = {
  invalid_argument: 400,
  not_found: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  failed_precondition: 412,
  aborted: 409,
  resource_exhausted: 429,
  unavailable: 503,
  deadline_exceeded: 504,
  unimplemented: 501,
  internal: 500,
};

/**
 * API code of the stable `code` strings of the domain packages (`@signet/spiffe`'s
 * `ERR_*` and `@signet/datastore`'s `ERR_DATASTORE_*`). Matched by string so this module needs
 * neither package.
 */
const DOMAIN: Readonly<Record<string, ApiCode>> = {
  ERR_SPIFFE_ID_INVALID: 'invalid_argument',
  ERR_TRUST_DOMAIN_INVALID: 'invalid_argument',
  ERR_X509_SVID_INVALID: 'invalid_argument',
  ERR_X509_SVID_VERIFICATION_FAILED: 'unauthenticated',
  ERR_X509_CSR_INVALID: 'invalid_argument',
  ERR_JWT_SVID_INVALID: 'invalid_argument',
  ERR_JWT_SVID_VERIFICATION_FAILED: 'invalid_argument',
  ERR_JWT_SVID_EXPIRED: 'invalid_argument',
  ERR_JWT_SVID_AUDIENCE: 'invalid_argument',
  ERR_BUNDLE_INVALID: 'invalid_argument',
  ERR_BUNDLE_NOT_FOUND: 'not_found',
  ERR_KEY_INVALID: 'invalid_argument',
  ERR_UNSUPPORTED: 'invalid_argument',
  ERR_CONFIG_INVALID: 'invalid_argument',
  ERR_DATASTORE_ALREADY_EXISTS: 'already_exists',
  ERR_DATASTORE_NOT_FOUND: 'not_found',
  ERR_DATASTORE_CONFLICT: 'aborted',
  ERR_DATASTORE_INVALID_ARGUMENT: 'invalid_argument',
  ERR_DATASTORE_INVALID_REFERENCE: 'invalid_argument',
  ERR_DATASTORE_IN_USE: 'failed_precondition',
  ERR_DATASTORE_EXPIRED: 'invalid_argument',
  ERR_DATASTORE_ALREADY_USED: 'permission_denied',
  ERR_DATASTORE_SERIALIZATION_FAILURE: 'aborted',
  ERR_DATASTORE_TIMEOUT: 'unavailable',
  ERR_DATASTORE_UNAVAILABLE: 'unavailable',
  ERR_DATASTORE_MIGRATION: 'internal',
  ERR_DATASTORE_EVENTS_PRUNED: 'failed_precondition',
};

/** What a caller is told about an error. */
export interface PublicError {
  readonly apiCode: ApiCode;
  /** The message for the caller: the error's own for client errors, a generic one for internal errors. */
  readonly message: string;
  readonly field: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** True when the error is the server's fault and must be logged with its cause (the caller sees a generic message). */
  readonly internal: boolean;
}

/** Classifies any thrown value into what the caller may see. */
export function publicError(err: unknown): PublicError {
  if (err instanceof ApiError) {
    const internal = err.apiCode === 'internal';
    return {
      apiCode: err.apiCode,
      message: internal ? 'internal error' : err.message,
      field: err.field,
      retryAfterMs: err.retryAfterMs,
      internal,
    };
  }
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
  const apiCode = code === undefined ? undefined : DOMAIN[code];
  if (apiCode !== undefined && apiCode !== 'internal') {
    const field = (err as { field?: unknown }).field;
    return {
      apiCode,
      message: (err as Error).message,
      field: typeof field === 'string' ? field : undefined,
      retryAfterMs: undefined,
      internal: false,
    };
  }
  return { apiCode: apiCode ?? 'internal', message: 'internal error', field: undefined, retryAfterMs: undefined, internal: true };
}

/** The gRPC status code and details for an error. */
export function toGrpcStatus(err: unknown): { code: GrpcStatus; details: string; error: PublicError } {
  const e = publicError(err);
  return { code: GRPC[e.apiCode], details: e.message, error: e };
}

/** The HTTP status and JSON body for an error: `{ error: { code, message, field? } }`. */
export function toHttpStatus(err: unknown): { status: number; body: { error: { code: ApiCode; message: string; field?: string } }; error: PublicError } {
  const e = publicError(err);
  return {
    status: HTTP[e.apiCode],
    body: { error: { code: e.apiCode, message: e.message, ...(e.field ? { field: e.field } : {}) } },
    error: e,
  };
}

/** The API code of a gRPC status code (for clients turning a status back into an {@link ApiError}). */
export function apiCodeOfGrpc(code: number): ApiCode {
  for (const [api, grpc] of Object.entries(GRPC)) if (grpc === code) return api as ApiCode;
  return 'internal';
}
