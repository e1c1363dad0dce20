/**
 * Records what a test stream receives, with timestamps, and lets a test wait for the next item
 * or assert that nothing arrives within a window.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** How long `expectNone` waits by default (a 2-core CI needs a generous window). */
export const QUIET_WINDOW_MS = 300;

/** A received item and when it arrived (`performance.now()` milliseconds). */
export interface Timed {
  readonly at: number;
}

/** An ordered record of received items with a read cursor. */
export class Recorder<T extends Timed> {
  /** Everything received, in order. */
  readonly all: T[] = [];
  #cursor = 0;
  #failure: Error | undefined;
  #wake: (() => void)[] = [];

  /** Adds a received item. */
  protected record(item: T): void {
    this.all.push(item);
    this.#notify();
  }

  /** Makes pending and later `next()` calls fail with `err` once the received items are read. */
  protected failWith(err: Error): void {
    this.#failure ??= err;
    this.#notify();
  }

  /** Items received but not yet returned by `next()`. */
  get unread(): number {
    return this.all.length - this.#cursor;
  }

  /** The next unread item; rejects if none arrives within `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    while (this.#cursor >= this.all.length) {
      if (this.#failure !== undefined) throw this.#failure;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`nothing received within ${timeoutMs} ms (received ${this.all.length} in total)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.all[this.#cursor++] as T;
  }

  /** Asserts that nothing unread is there now and nothing arrives within `ms`. */
  async expectNone(ms = QUIET_WINDOW_MS): Promise<void> {
    await sleep(ms);
    if (this.unread > 0) {
      throw new Error(`expected nothing within ${ms} ms, received ${this.unread}: ${describe(this.all.slice(this.#cursor))}`);
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const fn of wake) fn();
  }
}

function describe(items: readonly unknown[]): string {
  return JSON.stringify(items, (key, value: unknown) => (key === 'bytes' || key === 'privateKey' ? '…' : typeof value === 'bigint' ? String(value) : value)).slice(0, 600);
}
