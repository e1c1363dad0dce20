/**
 * Proto `int64` values as the generated types carry them (`number`, decimal `string` or a
 * `Long`), converted to and from safe JavaScript integers.
 * @module
 */
import { ApiError } from '@signet/platform';

/** What an `int64` field of a request may hold. */
export type Int64Input = number | string | { toString(): string } | null | undefined;

const DECIMAL = /^-?\d{1,20}$/;

/**
 * Reads an `int64` request field as a safe integer (absent means 0). Anything else, or a value
 * beyond ±(2^53 − 1), is an `invalid_argument` error naming `field`.
 *
 * @example
 * ```ts
 * readInt64('1700000000', 'entries[0].expires_at'); // 1700000000
 * ```
 */
export function readInt64(value: Int64Input, field: string): number {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    throw ApiError.invalid(field, `must be a whole number (got ${String(value)})`);
  }
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (!DECIMAL.test(text)) throw ApiError.invalid(field, `must be a whole number (got ${JSON.stringify(text)})`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw ApiError.invalid(field, `must be at most 2^53 - 1 in magnitude (got ${text})`);
  return n;
}

/** Like {@link readInt64} but never throws: an unreadable value is `NaN`, which validation then reports. */
export function int64OrNaN(value: Int64Input): number {
  try {
    return readInt64(value, 'value');
  } catch {
    return Number.NaN;
  }
}

/** Formats an integer for an `int64` response field (decimal string, as proto3 JSON does). */
export function int64(n: number): string {
  return String(Math.trunc(n));
}

/** Unix seconds of a date for an `int64` response field; `0` when absent. */
export function unixSeconds(date: Date | null | undefined): string {
  return date === null || date === undefined ? '0' : int64(Math.floor(date.getTime() / 1000));
}
