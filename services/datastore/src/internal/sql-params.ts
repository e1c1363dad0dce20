/**
 * Collects positional parameters while a statement is assembled.
 * @module
 */

/** Accumulates parameter values and hands out their `$n` placeholders. */
export class SqlParams {
  /** The values, in placeholder order. */
  readonly values: unknown[] = [];

  /** Adds `value` and returns its placeholder, e.g. `$3`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
