/**
 * The statement queue behind every transaction handle, shared by both engines.
 *
 * - Statements issued concurrently on one transaction run one after another
 *   (a connection executes one statement at a time).
 * - The first failing statement is remembered: Postgres aborts the whole
 *   transaction at that point, so the transaction must fail with that error
 *   even if the callback caught it and carried on (otherwise COMMIT would
 *   quietly roll back while the caller believes it committed).
 * - Once the callback has returned, the handle refuses new statements.
 * @module
 */
import { translateDbError } from './translate-error.js';

/** Serialises the statements of one transaction and records its first failure. */
export class StatementQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #finished = false;
  #failed = false;
  #firstError: unknown;

  /** Runs `statement` after every statement queued before it; rejects with a translated error. */
  run<T>(statement: () => Promise<T>): Promise<T> {
    if (this.#finished) {
      return Promise.reject(new TypeError('transaction is finished: its handle cannot be used after the callback returned'));
    }
    const result = this.#tail.then(statement, statement).catch((err: unknown) => {
      const translated = translateDbError(err);
      if (!this.#failed) {
        this.#failed = true;
        this.#firstError = translated;
      }
      throw translated;
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Waits for queued statements, then refuses new ones. */
  async finish(): Promise<void> {
    this.#finished = true;
    await this.#tail;
  }

  /** Throws the first statement failure, if there was one. */
  throwIfFailed(): void {
    if (this.#failed) throw this.#firstError;
  }
}
