/**
 * An async iterable fed by the test: what a client writes on a bidi stream.
 * @module
 */

/** A writable request stream. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #waiters: ((result: IteratorResult<T>) => void)[] = [];
  #ended = false;

  /** Writes one message. */
  push(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter({ value: item, done: false });
    else this.#items.push(item);
  }

  /** Half-closes the stream. */
  end(): void {
    this.#ended = true;
    for (const waiter of this.#waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.#waiters.push(resolve));
      },
    };
  }
}
