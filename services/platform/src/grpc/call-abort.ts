/**
 * The abort signal of one call, and why it was aborted.
 * @module
 */
import { ApiError } from '../api/api-error.js';

/** Why a call's signal was aborted. */
export type AbortKind = 'cancelled' | 'deadline' | 'shutdown';

const REASONS: Readonly<Record<AbortKind, () => ApiError>> = {
  cancelled: () => new ApiError('aborted', 'the client cancelled the call'),
  deadline: () => new ApiError('deadline_exceeded', 'the deadline of the call passed'),
  shutdown: () => new ApiError('unavailable', 'the server is shutting down; retry on another replica'),
};

/**
 * Owns a call's `AbortSignal`. The first abort wins; its reason is an {@link ApiError}
 * (`deadline_exceeded` for a passed deadline, `unavailable` for a shutdown), so a handler that
 * lets the reason through ends the call with the right status.
 */
export class CallAbort {
  readonly #controller = new AbortController();
  #kind: AbortKind | undefined;

  /** The signal handed to the handler as `ctx.signal`. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Why the signal was aborted, or `undefined` while it is not. */
  get kind(): AbortKind | undefined {
    return this.#kind;
  }

  /** Aborts the signal for `kind`, unless it is aborted already. */
  abort(kind: AbortKind): void {
    if (this.#kind !== undefined) return;
    this.#kind = kind;
    this.#controller.abort(REASONS[kind]());
  }
}
