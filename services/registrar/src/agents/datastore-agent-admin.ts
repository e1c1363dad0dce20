/**
 * {@link AgentAdmin} over the datastore's attested-node repository, for a registrar running
 * without the attestation service, with change events appended in the same transaction as
 * each change. The datastore has no "lift the ban" write, so unbanning re-creates the node
 * record without SVID serials (its `createdAt` restarts) and appends `node.unbanned`.
 *
 * @example
 * ```ts
 * const agents = datastoreAgentAdmin(db, systemClock);
 * await agents.banAgent('spiffe://example.org/spire/agent/join_token/abc');
 * ```
 * @module
 */
import {
  appendEvent,
  banNode,
  createNode,
  EventKinds,
  evictNode,
  getNode,
  getNodeSelectors,
  listNodes,
  listNodeSelectors,
  setNodeSelectors,
  updateNode,
  type AttestedNode,
  type Db,
  type NodeFilter,
  type Selector,
  type Tx,
} from '@signet/datastore';
import { ApiError, type Clock } from '@signet/platform';
import type { AgentAdmin, AgentRecord, AgentState } from './agent-admin.js';

/** The event appended when a ban is lifted. */
export const NODE_UNBANNED = 'node.unbanned';

/** An {@link AgentAdmin} reading and writing `attested_nodes` through `db`. */
export function datastoreAgentAdmin(db: Db, clock: Pick<Clock, 'now'>): AgentAdmin {
  /** Runs `apply` on the existing node `id` in a transaction; resolves the agent afterwards. */
  const change = (id: string, apply: (tx: Tx, now: Date, node: AttestedNode) => Promise<void>): Promise<AgentRecord> =>
    db.transaction(async (tx) => {
      const now = clock.now();
      const before = await getNode(tx, id);
      if (before === undefined) throw notFound(id);
      await apply(tx, now, before);
      const after = await getNode(tx, id);
      if (after === undefined) throw notFound(id);
      return agentRecord(after, await getNodeSelectors(tx, id));
    });

  return {
    async listAgents(filter, page) {
      const state = filter.state ?? 'all';
      const nodeFilter: NodeFilter = {
        attestationType: filter.attestationType,
        selectors: filter.selectors,
        banned: state === 'all' ? undefined : state === 'banned',
      };
      const listed = await listNodes(db, nodeFilter, page);
      const nodes = state === 'all' ? listed.items : listed.items.filter((n) => stateOf(n) === state);
      const selectors = await listNodeSelectors(db, nodes.map((n) => n.spiffeId));
      const items = nodes.map((n) => agentRecord(n, selectors.get(n.spiffeId) ?? []));
      return listed.nextPageToken === undefined ? { items } : { items, nextPageToken: listed.nextPageToken };
    },

    async getAgent(id) {
      const node = await getNode(db, id);
      if (node === undefined) throw notFound(id);
      return agentRecord(node, await getNodeSelectors(db, id));
    },

    evictAgent: (id) =>
      change(id, async (tx, now) => {
        await updateNode(tx, id, { certSerial: null, certNotAfter: null, newCertSerial: null, newCertNotAfter: null }, now);
        await setNodeSelectors(tx, id, [], now);
        await appendEvent(tx, { kind: EventKinds.nodeEvicted, subject: id }, now);
      }),

    banAgent: (id) =>
      change(id, async (tx, now) => {
        await banNode(tx, id, now);
        await appendEvent(tx, { kind: EventKinds.nodeBanned, subject: id }, now);
      }),

    unbanAgent: (id) =>
      change(id, async (tx, now, node) => {
        if (!node.banned) return;
        await evictNode(tx, id);
        await createNode(tx, { spiffeId: id, attestationType: node.attestationType, canReattest: node.canReattest }, now);
        await appendEvent(tx, { kind: NODE_UNBANNED, subject: id }, now);
      }),
  };
}

/** The state of a node record: banned, attested (an SVID serial on record) or evicted. */
export function stateOf(node: AttestedNode): AgentState {
  if (node.banned) return 'banned';
  return node.certSerial !== null || node.newCertSerial !== null ? 'attested' : 'evicted';
}

function agentRecord(node: AttestedNode, selectors: readonly Selector[]): AgentRecord {
  return {
    spiffeId: node.spiffeId,
    attestationType: node.attestationType,
    selectors,
    x509SvidSerial: node.certSerial ?? node.newCertSerial,
    x509SvidExpiresAt: node.certSerial !== null ? node.certNotAfter : node.newCertNotAfter,
    banned: node.banned,
    attested: stateOf(node) === 'attested',
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
  };
}

function notFound(id: string): ApiError {
  return new ApiError('not_found', `spiffe_id: no agent ${id}`, { field: 'spiffe_id' });
}
