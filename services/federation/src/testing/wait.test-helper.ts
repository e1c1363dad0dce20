/**
 * Waiting in real time for something asynchronous (a change event delivered, a server noticing).
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` every 10 ms until it returns true (or a truthy value), failing after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
