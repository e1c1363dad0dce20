/**
 * Reads agents' node records and turns them into the state the authorized-entries cache
 * needs (active or not, and selectors).
 * @module
 */
import { type AttestedNode, getNode, listNodeSelectors, type Queryable, type Selector } from '@signet/datastore';
import type { LoadNodeStatus, NodeStatus } from '../authorized/authorized-cache.js';
import { agentState } from './agent.js';

/** A node record and its selectors (`node` undefined: no record). */
export interface NodeRecord {
  readonly node: AttestedNode | undefined;
  readonly selectors: readonly Selector[];
}

/** Reads the records of `agentIds` (every id is a key). */
export async function loadNodeRecords(db: Queryable, agentIds: readonly string[]): Promise<Map<string, NodeRecord>> {
  const selectors = await listNodeSelectors(db, agentIds);
  const out = new Map<string, NodeRecord>();
  for (const agentId of agentIds) out.set(agentId, { node: await getNode(db, agentId), selectors: selectors.get(agentId) ?? [] });
  return out;
}

/** The cache's view of a record. */
export function nodeStatusOf(agentId: string, record: NodeRecord): NodeStatus {
  const state = record.node === undefined ? 'unknown' : agentState(record.node);
  if (state === 'attested') return { active: true, selectors: record.selectors };
  const reason =
    state === 'unknown'
      ? `agent ${JSON.stringify(agentId)} is not attested`
      : state === 'banned'
        ? `agent ${JSON.stringify(agentId)} is banned`
        : `agent ${JSON.stringify(agentId)} was evicted; it must attest again`;
  return { active: false, selectors: [], reason };
}

/**
 * Creates the loader the cache uses.
 *
 * @example
 * ```ts
 * const statuses = await nodeStatusLoader(db)([agentId]);
 * statuses.get(agentId)?.active;
 * ```
 */
export function nodeStatusLoader(db: Queryable): LoadNodeStatus {
  return async (agentIds) => {
    const records = await loadNodeRecords(db, agentIds);
    return new Map([...records].map(([id, record]) => [id, nodeStatusOf(id, record)]));
  };
}
