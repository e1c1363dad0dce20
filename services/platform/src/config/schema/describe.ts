/**
 * Renders a raw config value for the "got …" part of a validation message.
 * @module
 */

const MAX_STRING = 60;

/**
 * Describes a raw value briefly: strings are quoted (and shortened), numbers and booleans
 * are printed, lists and mappings are named by kind.
 *
 * @example
 * ```ts
 * describeValue('abc'); // '"abc"'
 * describeValue(12);    // '12'
 * describeValue([1]);   // 'a list'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    const shown = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `a date (${value.toISOString()})`;
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}
