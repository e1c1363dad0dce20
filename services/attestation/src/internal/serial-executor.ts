/**
 * Runs asynchronous tasks one at a time, in submission order: a mutex for state that is read
 * from the database and then applied in memory, so no other update interleaves in between.
 * @module
 */

/** Runs submitted tasks one after another. */
export class SerialExecutor {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task submitted before it has settled; resolves with its result. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task submitted so far has settled. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
