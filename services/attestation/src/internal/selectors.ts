/**
 * Small helpers over selectors: a collision-free string key for set membership, and
 * construction of `type:value` selectors.
 * @module
 */
import type { Selector } from '@signet/datastore';

/** A string that identifies a selector in a `Set` (type and value joined by NUL, which neither may contain). */
export function selectorKey(selector: Selector): string {
  return `${selector.type}\u0000${selector.value}`;
}

/** The keys of `selectors` as a set. */
export function selectorKeySet(selectors: readonly Selector[]): Set<string> {
  const keys = new Set<string>();
  for (const selector of selectors) keys.add(selectorKey(selector));
  return keys;
}

/** Whether every selector of `required` is in `available`. */
export function isSubsetOf(required: readonly Selector[], available: ReadonlySet<string>): boolean {
  for (const selector of required) if (!available.has(selectorKey(selector))) return false;
  return true;
}

/** A selector of `type` whose value is `parts` joined by `:` (e.g. `x509pop`, `san`, `dns`, name). */
export function selector(type: string, ...parts: string[]): Selector {
  return { type, value: parts.join(':') };
}

/** Removes duplicate selectors, keeping the first of each. */
export function uniqueSelectors(selectors: readonly Selector[]): Selector[] {
  const seen = new Set<string>();
  const out: Selector[] = [];
  for (const s of selectors) {
    const key = selectorKey(s);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ type: s.type, value: s.value });
  }
  return out;
}
