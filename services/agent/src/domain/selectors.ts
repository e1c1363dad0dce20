/**
 * Selectors: what is known of a workload (or a node), as `type:value` pairs, and the rule by
 * which a registration entry matches a workload.
 * @module
 */

/** One selector, e.g. `{ type: 'unix', value: 'uid:1000' }`. */
export interface Selector {
  readonly type: string;
  readonly value: string;
}

/** The canonical `type:value` string of a selector. */
export function selectorKey(selector: Selector): string {
  return `${selector.type}:${selector.value}`;
}

/**
 * A canonical key for a set of selectors: sorted, deduplicated `type:value` strings joined by a
 * newline. Two workloads with the same key see the same identities.
 */
export function selectorSetKey(selectors: readonly Selector[]): string {
  return [...new Set(selectors.map(selectorKey))].sort().join('\n');
}

/**
 * Whether an entry with `entrySelectors` matches a workload whose selectors are `workload`
 * (as `type:value` keys): every one of the entry's selectors is among the workload's. An entry
 * with no selectors matches nothing.
 */
export function entryMatches(entrySelectors: readonly Selector[], workload: ReadonlySet<string>): boolean {
  if (entrySelectors.length === 0) return false;
  for (const s of entrySelectors) if (!workload.has(selectorKey(s))) return false;
  return true;
}
