/**
 * Test assertions for the registrar: API errors with their status class, gRPC and HTTP status
 * and the field they name; batch item statuses.
 * @module
 */
import assert from 'node:assert/strict';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ApiError, toGrpcStatus, toHttpStatus, type ApiCode } from '@signet/platform';

/** The gRPC code and HTTP status each API code must map to (checked independently of the map). */
export const EXPECTED_STATUS: Readonly<Record<ApiCode, { grpc: number; http: number }>> = {
  invalid_argument: { grpc: GrpcStatus.INVALID_ARGUMENT, http: 400 },
  not_found: { grpc: GrpcStatus.NOT_FOUND, http: 404 },
  already_exists: { grpc: GrpcStatus.ALREADY_EXISTS, http: 409 },
  permission_denied: { grpc: GrpcStatus.PERMISSION_DENIED, http: 403 },
  unauthenticated: { grpc: GrpcStatus.UNAUTHENTICATED, http: 401 },
  failed_precondition: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 412 },
  aborted: { grpc: GrpcStatus.ABORTED, http: 409 },
  resource_exhausted: { grpc: GrpcStatus.RESOURCE_EXHAUSTED, http: 429 },
  unavailable: { grpc: GrpcStatus.UNAVAILABLE, http: 503 },
  deadline_exceeded: { grpc: GrpcStatus.DEADLINE_EXCEEDED, http: 504 },
  unimplemented: { grpc: GrpcStatus.UNIMPLEMENTED, http: 501 },
  internal: { grpc: GrpcStatus.INTERNAL, http: 500 },
};

/** What an API error must look like. */
export interface ExpectedApiError {
  readonly code: ApiCode;
  /** The field the error names (also required at the start of the message). */
  readonly field?: string;
  /** A fragment the message must contain. */
  readonly message?: string | RegExp;
}

/** Asserts that `err` is that API error, mapping to the right gRPC and HTTP statuses. */
export function assertApiError(err: unknown, expected: ExpectedApiError): ApiError {
  assert.ok(err instanceof ApiError, `expected an ApiError (${expected.code}), got ${String(err)}`);
  assert.equal(err.apiCode, expected.code, err.message);
  assert.equal(toGrpcStatus(err).code, EXPECTED_STATUS[expected.code].grpc, 'gRPC status');
  assert.equal(toHttpStatus(err).status, EXPECTED_STATUS[expected.code].http, 'HTTP status');
  if (expected.field !== undefined) {
    assert.equal(err.field, expected.field, err.message);
    assert.ok(err.message.startsWith(`${expected.field}`), `message should name ${expected.field}: ${err.message}`);
  }
  if (typeof expected.message === 'string') assert.ok(err.message.includes(expected.message), err.message);
  if (expected.message instanceof RegExp) assert.match(err.message, expected.message);
  return err;
}

/** Asserts that `promise` rejects with that API error. */
export async function rejectsWithApiError(promise: Promise<unknown>, expected: ExpectedApiError): Promise<ApiError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  return assertApiError(caught, expected);
}

/** Asserts that `fn` throws that API error. */
export function throwsApiError(fn: () => unknown, expected: ExpectedApiError): ApiError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  return assertApiError(caught, expected);
}

/** A batch item status as the wire carries it. */
export interface WireStatus {
  readonly code: number;
  readonly message: string;
  readonly field: string;
}

/** Asserts a batch item's status: its gRPC code, the field, and a message naming the field. */
export function assertItemStatus(status: WireStatus | null | undefined, expected: ExpectedApiError): void {
  assert.ok(status, 'item status present');
  assert.equal(status.code, EXPECTED_STATUS[expected.code].grpc, `${status.message} (code ${status.code})`);
  if (expected.field !== undefined) {
    assert.equal(status.field, expected.field, status.message);
    assert.ok(status.message.startsWith(expected.field), `message should name ${expected.field}: ${status.message}`);
  }
  if (typeof expected.message === 'string') assert.ok(status.message.includes(expected.message), status.message);
  if (expected.message instanceof RegExp) assert.match(status.message, expected.message);
}
