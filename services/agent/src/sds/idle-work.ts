/**
 * Work that may wait: run in later turns of the event loop, a few milliseconds per turn, so that
 * whatever arrives meanwhile (ACKs, new streams) is served between the slices.
 *
 * The CA-rotation gate holds SVID pushes until every bundle push is ACKed: the agent then waits on
 * its Envoys. The SVID secrets those pushes will carry are encoded in that wait (the group queues
 * the work when it defers), so that once the gate opens the pushes only write.
 * @module
 */
import { performance } from 'node:perf_hooks';

/** A FIFO of deferrable tasks, run `sliceMs` at a time with a turn of the event loop between slices. */
export class IdleWork {
  readonly #sliceMs: number;
  readonly #onError: (err: unknown) => void;
  #tasks: (() => void)[] = [];
  #head = 0;
  #scheduled = false;
  #closed = false;

  constructor(sliceMs: number, onError: (err: unknown) => void) {
    this.#sliceMs = sliceMs;
    this.#onError = onError;
  }

  /** Tasks waiting. */
  get pending(): number {
    return this.#tasks.length - this.#head;
  }

  /** Queues `task` (dropped once closed). */
  add(task: () => void): void {
    if (this.#closed) return;
    this.#tasks.push(task);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#run());
  }

  /** Drops every waiting task. */
  close(): void {
    this.#closed = true;
    this.#tasks = [];
    this.#head = 0;
  }

  #run(): void {
    this.#scheduled = false;
    const start = performance.now();
    while (this.#head < this.#tasks.length) {
      const task = this.#tasks[this.#head]!;
      this.#tasks[this.#head++] = NOOP;
      try {
        task();
      } catch (err) {
        this.#onError(err);
      }
      if (performance.now() - start >= this.#sliceMs) break;
    }
    if (this.#head < this.#tasks.length) {
      this.#scheduled = true;
      setImmediate(() => this.#run());
    } else {
      this.#tasks = [];
      this.#head = 0;
    }
  }
}

const NOOP = (): void => {};
