/**
 * Which registration entries an agent may serve, after SPIRE's semantics:
 *
 * 1. entries whose parent is the agent's own SPIFFE ID;
 * 2. entries whose parent is the SPIFFE ID of a **node alias** the agent belongs to: an entry
 *    parented by the server's ID (`spiffe://<td>/spire/server`) whose selectors are all among
 *    the node's selectors (the alias entries themselves are not served);
 * 3. recursively, entries whose parent is the SPIFFE ID of an entry already served (a
 *    workload entry may be the parent of others, e.g. a nested agent).
 *
 * Each parent ID is expanded once, so cycles (A parents B, B parents A) end. A pure function
 * of its inputs; the cost is proportional to the aliases sharing a selector with the node plus
 * the entries returned.
 * @module
 */
import type { RegistrationEntry, Selector } from '@signet/datastore';
import { isSubsetOf, selectorKey, selectorKeySet } from '../internal/selectors.js';
import type { EntryIndexView } from './entry-index.js';

/** The outcome of {@link computeAuthorized}. */
export interface AuthorizedSet {
  /** The entries the agent may serve, each once, in discovery order (breadth first). */
  readonly entries: readonly RegistrationEntry[];
  /** The node-alias entries the agent belongs to. */
  readonly aliases: readonly RegistrationEntry[];
  /** Every parent ID expanded: the agent's ID, its aliases' IDs, and the IDs of served entries. */
  readonly parents: ReadonlySet<string>;
}

/**
 * Computes the entries agent `agentId` with node selectors `nodeSelectors` may serve.
 *
 * @example
 * ```ts
 * const { entries } = computeAuthorized('spiffe://example.org/spire/agent/k8s_psat/prod/node-1', nodeSelectors, index);
 * ```
 */
export function computeAuthorized(agentId: string, nodeSelectors: readonly Selector[], index: EntryIndexView): AuthorizedSet {
  const aliases = matchingAliases(nodeSelectors, index);
  const parents = new Set<string>();
  const found = new Map<string, RegistrationEntry>();
  const queue: string[] = [agentId, ...aliases.map((a) => a.spiffeId)];
  for (let next = 0; next < queue.length; next++) {
    const parent = queue[next] as string;
    if (parents.has(parent) || parent === index.serverId) continue;
    parents.add(parent);
    for (const child of index.childrenOf(parent)) {
      if (!found.has(child.id)) found.set(child.id, child);
      if (!parents.has(child.spiffeId)) queue.push(child.spiffeId);
    }
  }
  return { entries: [...found.values()], aliases, parents };
}

/** The node-alias entries whose selectors are all among `nodeSelectors`. */
export function matchingAliases(nodeSelectors: readonly Selector[], index: EntryIndexView): RegistrationEntry[] {
  const available = selectorKeySet(nodeSelectors);
  const seen = new Set<string>();
  const matched: RegistrationEntry[] = [];
  for (const selector of nodeSelectors) {
    for (const alias of index.aliasesWithSelector(selectorKey(selector))) {
      if (seen.has(alias.id)) continue;
      seen.add(alias.id);
      if (isSubsetOf(alias.selectors, available)) matched.push(alias);
    }
  }
  return matched;
}
