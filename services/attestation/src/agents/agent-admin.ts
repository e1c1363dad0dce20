/**
 * Agent administration for the registrar's admin API: list, get, evict, ban, unban. Each
 * change appends its event in the same transaction, so sync streams and caches react.
 *
 * - **evict**: clears the SVID serials and the selectors; the record stays (state `evicted`)
 *   and the agent must attest again (allowed even for methods that cannot re-attest).
 * - **ban**: sets `banned` and clears the serials; attestation and renewal are refused.
 * - **unban**: lifts the ban; the agent is left `evicted` (its SVIDs were revoked by the ban)
 *   and must attest again. The datastore has no "clear banned" write, so the record is
 *   re-created in one transaction (its `createdAt` restarts).
 * @module
 */
import {
  appendEvent,
  type AttestedNode,
  banNode,
  createNode,
  type Db,
  evictNode,
  getNode,
  getNodeSelectors,
  listNodes,
  listNodeSelectors,
  type NodeFilter,
  NotFoundError,
  type Page,
  type PageRequest,
  type Selector,
  setNodeSelectors,
  type SetMatch,
  type Tx,
  updateNode,
} from '@signet/datastore';
import { ApiError, type Clock, type Logger } from '@signet/platform';
import { SpiffeId } from '@signet/spiffe';
import { type Agent, agentFromNode, agentState, type AgentState } from './agent.js';
import { NodeEvents, type NodeObserver } from './deps.js';

/** Filters of {@link AgentAdmin.listAgents}; all given filters must hold. */
export interface AgentListFilter {
  /** Default `all`. */
  readonly state?: 'all' | AgentState;
  readonly attestationType?: string;
  readonly selectors?: { readonly selectors: readonly Selector[]; readonly match: SetMatch };
}

/**
 * Agent administration. Errors: `invalid_argument` on `spiffe_id` for a malformed ID,
 * `not_found` for an unknown agent.
 *
 * @example
 * ```ts
 * const page = await agentAdmin.listAgents({ state: 'banned' }, { pageSize: 50 });
 * await agentAdmin.unbanAgent(page.items[0]!.spiffeId);
 * ```
 */
export interface AgentAdmin {
  /** One page of agents ordered by SPIFFE ID. With a state filter, a page may hold fewer items than asked: follow `nextPageToken`. */
  listAgents(filter?: AgentListFilter, page?: PageRequest): Promise<Page<Agent>>;
  getAgent(spiffeId: string): Promise<Agent>;
  evictAgent(spiffeId: string): Promise<Agent>;
  banAgent(spiffeId: string): Promise<Agent>;
  unbanAgent(spiffeId: string): Promise<Agent>;
}

/** Dependencies of {@link createAgentAdmin}. */
export interface AgentAdminDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Told about each node record changed (write-through to the agent registry). */
  readonly onNodeChanged?: NodeObserver;
}

/** Creates the agent administration. */
export function createAgentAdmin(deps: AgentAdminDeps): AgentAdmin {
  const { db, clock, logger } = deps;
  return {
    async listAgents(filter = {}, page = {}) {
      const state = filter.state ?? 'all';
      const nodeFilter: NodeFilter = {
        ...(filter.attestationType === undefined ? {} : { attestationType: filter.attestationType }),
        ...(filter.selectors === undefined ? {} : { selectors: filter.selectors }),
        ...(state === 'all' ? {} : { banned: state === 'banned' }),
      };
      const listed = await listNodes(db, nodeFilter, page);
      const nodes = state === 'all' ? listed.items : listed.items.filter((n) => agentState(n) === state);
      const selectors = await listNodeSelectors(db, nodes.map((n) => n.spiffeId));
      const items = nodes.map((n) => agentFromNode(n, selectors.get(n.spiffeId) ?? []));
      return listed.nextPageToken === undefined ? { items } : { items, nextPageToken: listed.nextPageToken };
    },

    async getAgent(spiffeId) {
      const id = checkId(spiffeId);
      const node = await getNode(db, id);
      if (node === undefined) throw notFound(id);
      return agentFromNode(node, await getNodeSelectors(db, id));
    },

    async evictAgent(spiffeId) {
      const id = checkId(spiffeId);
      const agent = await change(id, async (tx, now) => {
        const cleared = { certSerial: null, certNotAfter: null, newCertSerial: null, newCertNotAfter: null };
        await updateNode(tx, id, cleared, now);
        await setNodeSelectors(tx, id, [], now);
        await appendEvent(tx, { kind: NodeEvents.evicted, subject: id }, now);
      });
      logger.info({ agent_id: id }, 'agent evicted');
      return agent;
    },

    async banAgent(spiffeId) {
      const id = checkId(spiffeId);
      const agent = await change(id, async (tx, now) => {
        await banNode(tx, id, now);
        await appendEvent(tx, { kind: NodeEvents.banned, subject: id }, now);
      });
      logger.info({ agent_id: id }, 'agent banned');
      return agent;
    },

    async unbanAgent(spiffeId) {
      const id = checkId(spiffeId);
      const agent = await change(id, async (tx, now, node) => {
        if (!node.banned) return;
        await evictNode(tx, id);
        await createNode(tx, { spiffeId: id, attestationType: node.attestationType, canReattest: node.canReattest }, now);
        await appendEvent(tx, { kind: NodeEvents.unbanned, subject: id }, now);
      });
      logger.info({ agent_id: id }, 'agent unbanned');
      return agent;
    },
  };

  /** Runs `apply` on an existing node in a transaction and returns the agent afterwards. */
  async function change(
    id: string,
    apply: (tx: Tx, now: Date, node: AttestedNode) => Promise<void>,
  ): Promise<Agent> {
    const now = clock.now();
    const { node, agent } = await db
      .transaction(async (tx) => {
        const before = await getNode(tx, id);
        if (before === undefined) throw notFound(id);
        await apply(tx, now, before);
        const after = await getNode(tx, id);
        if (after === undefined) throw notFound(id);
        return { node: after, agent: agentFromNode(after, await getNodeSelectors(tx, id)) };
      })
      .catch((err: unknown) => {
        throw err instanceof NotFoundError ? notFound(id) : err;
      });
    deps.onNodeChanged?.(id, node);
    return agent;
  }
}

function checkId(spiffeId: string): string {
  if (typeof spiffeId !== 'string' || spiffeId === '') throw ApiError.invalid('spiffe_id', 'is required');
  const id = SpiffeId.tryParse(spiffeId);
  if (id === undefined) throw ApiError.invalid('spiffe_id', `${JSON.stringify(spiffeId)} is not a valid SPIFFE ID`);
  return id.toString();
}

function notFound(id: string): ApiError {
  return new ApiError('not_found', `spiffe_id: no agent ${JSON.stringify(id)}`, { field: 'spiffe_id' });
}
