/**
 * Exponential backoff with full jitter, for reconnecting to the control plane and retrying the CA.
 * @module
 */

/** Options of {@link Backoff}. */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Uniform in [0, 1); injectable for tests. */
  readonly random?: () => number;
}

/** Delays that double up to a ceiling, each drawn uniformly between half and all of the step. */
export class Backoff {
  readonly #o: BackoffOptions;
  #step: number;

  constructor(options: BackoffOptions) {
    this.#o = options;
    this.#step = options.initialMs;
  }

  /** The next delay, ms. */
  next(): number {
    const step = this.#step;
    this.#step = Math.min(this.#o.maxMs, this.#step * 2);
    return Math.round(step / 2 + (this.#o.random ?? Math.random)() * (step / 2));
  }

  /** Back to the initial delay (after a success). */
  reset(): void {
    this.#step = this.#o.initialMs;
  }
}
