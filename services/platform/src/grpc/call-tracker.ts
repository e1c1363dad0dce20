/**
 * The calls a server is running, so shutdown can abort them.
 * @module
 */
import type { CallAbort } from './call-abort.js';

/**
 * Tracks running calls. At shutdown, streams (which never end by themselves) are aborted first
 * and unary calls only once the grace period is over.
 */
export class CallTracker {
  readonly #calls = new Map<CallAbort, boolean>();
  #closing: 'streams' | 'all' | undefined;

  /** Tracks `abort` until the returned function is called; aborts it at once when shutdown already asks for it. */
  track(abort: CallAbort, streaming: boolean): () => void {
    if (this.#closing === 'all' || (this.#closing === 'streams' && streaming)) abort.abort('shutdown');
    this.#calls.set(abort, streaming);
    return () => {
      this.#calls.delete(abort);
    };
  }

  /** How many calls are running. */
  get size(): number {
    return this.#calls.size;
  }

  /** Aborts every streaming call, now and from now on. */
  abortStreams(): void {
    this.#closing ??= 'streams';
    for (const [abort, streaming] of this.#calls) if (streaming) abort.abort('shutdown');
  }

  /** Aborts every call, now and from now on. */
  abortAll(): void {
    this.#closing = 'all';
    for (const abort of this.#calls.keys()) abort.abort('shutdown');
  }
}
