/**
 * The API boundary shared by every service: errors, their status codes, and callers.
 * @module
 */
export { ApiError } from './api-error.js';
export type { ApiCode, ApiErrorOptions } from './api-error.js';
export { apiCodeOfGrpc, publicError, toGrpcStatus, toHttpStatus } from './status-map.js';
export type { PublicError } from './status-map.js';
export { describeCaller } from './caller.js';
export type { Caller } from './caller.js';
export { bidiStream, serverStream, unary } from './handler.js';
export type { BidiStreamHandler, CallContext, CallerKind, MethodSpec, ServerStreamHandler, ServiceImpl, UnaryHandler } from './handler.js';
