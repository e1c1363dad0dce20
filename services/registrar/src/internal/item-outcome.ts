/**
 * The outcome of one item of a batch request: applied, or failed with an error that the API
 * layer turns into an `ItemStatus`. A failed item changed nothing.
 * @module
 */

/** One item's outcome. `value` on a failure is context for the caller (e.g. the entry that already exists). */
export type ItemOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown; readonly value?: T | undefined };

/** A success. */
export function succeeded<T>(value: T): ItemOutcome<T> {
  return { ok: true, value };
}

/** A failure, with optional context. */
export function failed<T>(error: unknown, value?: T): ItemOutcome<T> {
  return value === undefined ? { ok: false, error } : { ok: false, error, value };
}
