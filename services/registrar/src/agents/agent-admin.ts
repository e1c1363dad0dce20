/**
 * What the registrar needs from whoever owns attested agents (the attestation service, over the
 * `attested_nodes` table): list, show, evict, ban and unban. Defined here, where it is consumed;
 * the attestation service's agent administration satisfies it as is, and
 * `datastore-agent-admin.ts` implements it over the datastore for a registrar running alone.
 *
 * Semantics every implementation keeps:
 * - evict: the agent's SVID serials (and selectors) are cleared; the record stays, `evicted`,
 *   until the agent attests again;
 * - ban: `banned` is set and the serials cleared: renewal and attestation are refused;
 * - unban: the ban is lifted; the agent is left `evicted` and must attest again;
 * - each change appends its change event in the same transaction;
 * - an unknown agent is `not_found` on `spiffe_id`.
 * @module
 */
import type { Page, PageRequest, Selector, SetMatch } from '@signet/datastore';

/** Where an agent stands. */
export type AgentState = 'attested' | 'evicted' | 'banned';

/** An agent as the admin API shows it. */
export interface AgentRecord {
  readonly spiffeId: string;
  /** The node attestor that vouched for it (`join_token`, `k8s_psat`, ...). */
  readonly attestationType: string;
  /** Selectors attestation found for the node, sorted. */
  readonly selectors: readonly Selector[];
  /** Serial (hex) of its current X.509-SVID; null when evicted or banned. */
  readonly x509SvidSerial: string | null;
  readonly x509SvidExpiresAt: Date | null;
  readonly banned: boolean;
  /** False once evicted (or banned) until the agent attests again. */
  readonly attested: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Filters of {@link AgentAdmin.listAgents}; all given filters must hold. */
export interface AgentFilter {
  /** Absent or `all`: every state. */
  readonly state?: 'all' | AgentState | undefined;
  readonly attestationType?: string | undefined;
  readonly selectors?: { readonly selectors: readonly Selector[]; readonly match: SetMatch } | undefined;
}

/** Admin operations on attested agents. */
export interface AgentAdmin {
  /** One page in SPIFFE ID order; with a state filter a page may hold fewer items than asked (follow the token). */
  listAgents(filter: AgentFilter, page: PageRequest): Promise<Page<AgentRecord>>;
  getAgent(spiffeId: string): Promise<AgentRecord>;
  evictAgent(spiffeId: string): Promise<AgentRecord>;
  banAgent(spiffeId: string): Promise<AgentRecord>;
  unbanAgent(spiffeId: string): Promise<AgentRecord>;
}
