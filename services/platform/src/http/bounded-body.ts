/**
 * Reading an HTTP response body from a server that may be hostile or broken: at most `maxBytes`
 * are buffered (a larger declared `Content-Length` is refused before reading), and a body cut
 * short is an error rather than a truncated document.
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** The body is larger than allowed; `what` says how it was known (`Content-Length N` or `body`). */
export class BodyTooLargeError extends Error {
  readonly maxBytes: number;
  readonly what: string;
  constructor(maxBytes: number, what: string) {
    super(`the ${what} exceeds ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
    this.maxBytes = maxBytes;
    this.what = what;
  }
}

/** The connection closed before the whole body arrived. */
export class BodyIncompleteError extends Error {
  constructor() {
    super('the connection closed before the whole body was received');
    this.name = 'BodyIncompleteError';
  }
}

/**
 * The body of `res`, at most `maxBytes`. Rejects with {@link BodyTooLargeError} (the response
 * is destroyed at once), {@link BodyIncompleteError}, or the stream's own error.
 *
 * @example
 * ```ts
 * const body = await readBoundedBody(res, 1 << 20);
 * ```
 */
export function readBoundedBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      fail(new BodyTooLargeError(maxBytes, `Content-Length ${declared}`));
      res.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        fail(new BodyTooLargeError(maxBytes, 'body')); // first: destroying emits 'aborted'
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => {
      if (!res.complete) fail(new BodyIncompleteError());
      else if (!settled) {
        settled = true;
        resolve(Buffer.concat(chunks, size));
      }
    });
    res.on('aborted', () => fail(new BodyIncompleteError()));
    res.on('error', (err) => fail(err));
    res.on('close', () => {
      if (!res.complete) fail(new BodyIncompleteError());
    });
  });
}
