/**
 * Streams of a gRPC call as handlers see them: a back-pressure-aware `send`, and the client's
 * messages as an async iterable that stops when the call is aborted.
 * @module
 */
import type { Readable, Writable } from 'node:stream';
import { untilAborted } from '../until-aborted.js';

/**
 * A `send` for a handler: resolves once `writable` accepted the message, waiting for `drain`
 * when its buffer is full; rejects with the signal's reason once the call is aborted.
 */
export function senderFor<T>(writable: Writable, signal: AbortSignal): (message: T) => Promise<void> {
  return (message) => {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (writable.write(message)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        writable.off('drain', onDrain);
        signal.removeEventListener('abort', onAbort);
      };
      const onDrain = (): void => {
        done();
        resolve();
      };
      const onAbort = (): void => {
        done();
        reject(signal.reason);
      };
      writable.on('drain', onDrain);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  };
}

/**
 * The messages of `readable` as an async iterable that ends when the client half-closes and
 * throws the signal's reason once the call is aborted. Breaking out of the loop early leaves the
 * call open, so the handler can still send and end it.
 */
export function messagesOf<T>(readable: Readable, signal: AbortSignal): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const inner = readable.iterator({ destroyOnReturn: false }) as AsyncIterator<T>;
      return {
        next: () => untilAborted(inner.next(), signal),
        async return(): Promise<IteratorResult<T>> {
          await inner.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
