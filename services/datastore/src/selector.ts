/**
 * Selectors: the `type:value` attributes that describe a workload or a node,
 * and how sets of them are compared in queries.
 *
 * @example
 * ```ts
 * const selectors = normalizeSelectors([{ type: 'k8s', value: 'ns:prod' }, { type: 'k8s', value: 'sa:api' }], 'selectors');
 * selectorsHash(selectors); // 64 hex characters, independent of input order
 * ```
 * @module
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from './errors.js';
import { compareUtf8 } from './internal/utf8.js';

/** One selector, e.g. `{ type: 'k8s', value: 'ns:prod' }`. */
export interface Selector {
  /** The attestor-defined kind, without ":" (e.g. `k8s`, `unix`, `join_token`). */
  readonly type: string;
  /** The value; may contain ":". */
  readonly value: string;
}

/**
 * How a set of selectors (or trust domains) given in a filter is compared
 * with the set a row holds:
 * - `exact`: the row's set equals the given set;
 * - `subset`: the row's set is a non-empty subset of the given set (the row
 *   needs nothing beyond what is given: how a workload's selectors find its entries);
 * - `superset`: the row's set contains every given element;
 * - `match_any`: the sets share at least one element.
 */
export type SetMatch = 'exact' | 'subset' | 'superset' | 'match_any';

/** The accepted {@link SetMatch} values. */
export const SET_MATCHES: readonly SetMatch[] = ['exact', 'subset', 'superset', 'match_any'];

/** Orders selectors by type, then value, in byte order (as the database does). */
export function compareSelectors(a: Selector, b: Selector): number {
  return compareUtf8(a.type, b.type) || compareUtf8(a.value, b.value);
}

/**
 * Returns the selectors sorted canonically, as plain objects; rejects
 * duplicates and non-string parts with {@link InvalidArgumentError} naming `field`.
 */
export function normalizeSelectors(selectors: readonly Selector[], field: string): Selector[] {
  if (!Array.isArray(selectors)) throw new InvalidArgumentError(`${field}: must be a list of selectors`, { field });
  const seen = new Set<string>();
  const result: Selector[] = [];
  for (const selector of selectors) {
    if (typeof selector?.type !== 'string' || typeof selector.value !== 'string') {
      throw new InvalidArgumentError(`${field}: every selector needs a string type and value`, { field });
    }
    const key = JSON.stringify([selector.type, selector.value]);
    if (seen.has(key)) {
      throw new InvalidArgumentError(`${field}: duplicate selector ${selector.type}:${selector.value}`, { field });
    }
    seen.add(key);
    result.push({ type: selector.type, value: selector.value });
  }
  return result.sort(compareSelectors);
}

/** SHA-256 (hex) of the canonical form of a selector set; equal sets hash equally. */
export function selectorsHash(selectors: readonly Selector[]): string {
  const canonical = [...selectors].sort(compareSelectors).map((s) => [s.type, s.value]);
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('hex');
}

/** Checks a {@link SetMatch} coming from a request. */
export function checkSetMatch(match: string, field: string): SetMatch {
  if (!(SET_MATCHES as readonly string[]).includes(match)) {
    throw new InvalidArgumentError(`${field}: must be one of ${SET_MATCHES.join(', ')} (got ${JSON.stringify(match)})`, {
      field,
    });
  }
  return match as SetMatch;
}
