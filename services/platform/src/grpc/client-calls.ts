/**
 * Promise and async-iterator forms of client calls, with failures as {@link ApiError}s.
 * @module
 */
import type { ClientReadableStream, ClientUnaryCall, ServiceError, requestCallback } from '@grpc/grpc-js';
import type { ApiError } from '../api/api-error.js';
import { apiErrorFromGrpc } from './status.js';

/**
 * Runs a unary call and resolves with its response; a failure rejects with an {@link ApiError}
 * (code, details, field and retry delay from the status). Aborting `signal` cancels the call.
 *
 * @example
 * ```ts
 * const svid = await unaryCall<MintX509SvidResponse__Output>((cb) => ca.MintX509Svid(request, { deadline }, cb), ctx.signal);
 * ```
 */
export function unaryCall<Res>(start: (callback: requestCallback<Res>) => ClientUnaryCall, signal?: AbortSignal): Promise<Res> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<Res>((resolve, reject) => {
    const onAbort = (): void => call.cancel();
    const call = start((err: ServiceError | null, value?: Res) => {
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(signal?.aborted ? signal.reason : apiErrorFromGrpc(err));
      else resolve(value as Res);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The messages of a server-streaming call; a failure is thrown as an {@link ApiError}. Aborting
 * `signal`, or leaving the loop early, cancels the call.
 *
 * @example
 * ```ts
 * for await (const update of streamMessages(attestation.SyncAuthorized({ from_revision: '0' }), signal)) apply(update);
 * ```
 */
export async function* streamMessages<Res>(call: ClientReadableStream<Res>, signal?: AbortSignal): AsyncGenerator<Res, void, undefined> {
  const onAbort = (): void => call.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  try {
    for await (const message of call) yield message as Res;
    finished = true;
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw toApiError(err);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) call.cancel();
  }
}

function toApiError(err: unknown): ApiError | unknown {
  return typeof (err as ServiceError)?.code === 'number' ? apiErrorFromGrpc(err as ServiceError) : err;
}
