/**
 * Errors on the gRPC wire, both ways: a thrown error to a status with trailers (through
 * `toGrpcStatus`, the one place that picks codes), and a status received by a client back to an
 * {@link ApiError}.
 * @module
 */
import { Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { ApiError } from '../api/api-error.js';
import { apiCodeOfGrpc, toGrpcStatus } from '../api/status-map.js';

/** Trailer naming the request field at fault (`ApiError.field`). */
export const FIELD_TRAILER = 'signet-error-field';
/** Trailer telling a `RESOURCE_EXHAUSTED` caller when to retry, in whole milliseconds. */
export const RETRY_AFTER_TRAILER = 'retry-after-ms';

/**
 * The status a server sends for `err`: code and caller-safe details from `toGrpcStatus`, plus
 * trailers for the field at fault and the retry delay when the error has them.
 */
export function grpcStatusFor(err: unknown): StatusObject {
  const { code, details, error } = toGrpcStatus(err);
  const metadata = new Metadata();
  if (error.field !== undefined) metadata.set(FIELD_TRAILER, error.field);
  if (error.retryAfterMs !== undefined) metadata.set(RETRY_AFTER_TRAILER, String(Math.max(0, Math.ceil(error.retryAfterMs))));
  return { code, details, metadata };
}

/**
 * The {@link ApiError} a client should see for a failed call: the API code of the status, its
 * details as the message, and the field and retry delay from the trailers.
 *
 * @example
 * ```ts
 * try { await promiseUnary((cb) => ca.MintX509Svid(req, cb)); }
 * catch (err) { if (err instanceof ApiError && err.apiCode === 'resource_exhausted') await sleep(err.retryAfterMs ?? 1000); }
 * ```
 */
export function apiErrorFromGrpc(err: Partial<ServiceError> & { code?: number }): ApiError {
  const code = typeof err.code === 'number' ? apiCodeOfGrpc(err.code) : 'internal';
  const field = err.metadata?.get(FIELD_TRAILER)[0];
  const retry = Number(err.metadata?.get(RETRY_AFTER_TRAILER)[0]);
  return new ApiError(code, err.details ?? err.message ?? 'call failed', {
    ...(typeof field === 'string' ? { field } : {}),
    ...(Number.isFinite(retry) && err.metadata?.get(RETRY_AFTER_TRAILER).length ? { retryAfterMs: retry } : {}),
    cause: err,
  });
}
