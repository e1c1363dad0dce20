/**
 * PostgreSQL array literals (`{"a","b",NULL}`) for batch statements that `unnest` their
 * parameters: one text parameter per column instead of one per value, and no per-element work in
 * the driver. Every element is quoted, so no value (empty, `NULL`, braces, commas, spaces) can be
 * read as anything but itself; quotes and backslashes are escaped.
 * @module
 */

/** A `text[]` literal of `values` (`null` elements are SQL NULL). */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : `"${NEEDS_ESCAPE.test(v) ? v.replace(ESCAPED, '\\$&') : v}"`;
  }
  return `${out}}`;
}

/** A `bigint[]` literal of `values`, which must be safe integers (throws a `RangeError` naming `field` otherwise). */
export function bigintArrayLiteral(values: readonly number[], field: string): string {
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`${field}: ${String(v)} is not a safe integer`);
  }
  return `{${values.join(',')}}`;
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;
