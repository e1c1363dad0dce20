/**
 * Selector rules: a type names the attestor's kind (`k8s`, `unix`) and may not contain `:` or
 * white space (the `type:value` text form splits at the first `:`); a value is any non-empty
 * text (it may contain `:`). A list may not repeat a selector.
 * @module
 */
import { ApiError } from '@signet/platform';
import type { Selector } from '@signet/datastore';
import type { SelectorInput } from './entry-draft.js';

/** Longest selector type accepted. */
export const MAX_SELECTOR_TYPE_LENGTH = 128;
/** Longest selector value accepted. */
export const MAX_SELECTOR_VALUE_LENGTH = 2048;

const TYPE_FORBIDDEN = /[:\s]/u;

/** Checks one selector; errors name `field.type` or `field.value`. */
export function checkSelector(selector: SelectorInput | null | undefined, field: string): Selector {
  const type = selector?.type ?? '';
  const value = selector?.value ?? '';
  if (typeof type !== 'string' || type === '') throw ApiError.invalid(`${field}.type`, 'is required');
  if (TYPE_FORBIDDEN.test(type)) {
    throw ApiError.invalid(`${field}.type`, `must not contain ":" or white space (got ${JSON.stringify(type)})`);
  }
  if ([...type].length > MAX_SELECTOR_TYPE_LENGTH) {
    throw ApiError.invalid(`${field}.type`, `must be at most ${MAX_SELECTOR_TYPE_LENGTH} characters`);
  }
  if (typeof value !== 'string' || value === '') throw ApiError.invalid(`${field}.value`, 'is required');
  if ([...value].length > MAX_SELECTOR_VALUE_LENGTH) {
    throw ApiError.invalid(`${field}.value`, `must be at most ${MAX_SELECTOR_VALUE_LENGTH} characters`);
  }
  return { type, value };
}

/**
 * Checks a selector list (`field` is the list, e.g. `entries[0].selectors`): each selector, no
 * repeats, and at least one unless `allowEmpty`.
 */
export function checkSelectors(selectors: readonly SelectorInput[] | null | undefined, field: string, allowEmpty = false): Selector[] {
  const list = selectors ?? [];
  if (!Array.isArray(list)) throw ApiError.invalid(field, 'must be a list of selectors');
  if (list.length === 0 && !allowEmpty) throw ApiError.invalid(field, 'at least one selector is required');
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const selector = checkSelector(raw, `${field}[${i}]`);
    const key = `${selector.type}\0${selector.value}`;
    if (seen.has(key)) throw ApiError.invalid(`${field}[${i}]`, `repeats selector ${selector.type}:${selector.value}`);
    seen.add(key);
    return selector;
  });
}

/** Parses the `type:value` text form (split at the first `:`); errors name `field`. */
export function parseSelectorText(text: string, field: string): Selector {
  const colon = text.indexOf(':');
  if (colon <= 0) throw ApiError.invalid(field, `must be written type:value (got ${JSON.stringify(text)})`);
  return checkSelector({ type: text.slice(0, colon), value: text.slice(colon + 1) }, field);
}
