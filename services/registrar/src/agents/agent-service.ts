/**
 * The admin operations on agents, over an {@link AgentAdmin}: request checks, filter-bound page
 * tokens, and the state rules:
 * - evict: the agent must not be banned (it could not attest again anyway: unban it instead);
 * - ban: idempotent;
 * - unban: the agent must be banned.
 *
 * @example
 * ```ts
 * const agents = new AgentService({ admin: datastoreAgentAdmin(db, clock), trustDomain, limits });
 * await agents.ban('spiffe://example.org/spire/agent/join_token/abc');
 * ```
 * @module
 */
import { ApiError } from '@signet/platform';
import { normalizeSelectors, type SetMatch } from '@signet/datastore';
import type { TrustDomain } from '@signet/spiffe';
import { memberId } from '../entries/validate-ids.js';
import { checkSelectors } from '../entries/validate-selectors.js';
import type { SelectorInput } from '../entries/entry-draft.js';
import { nextPageToken, resolvePage, type PageLimits, type PageRequestInput } from '../internal/page-token.js';
import type { AgentAdmin, AgentFilter, AgentRecord, AgentState } from './agent-admin.js';

/** Dependencies of {@link AgentService}. */
export interface AgentServiceDeps {
  readonly admin: AgentAdmin;
  readonly trustDomain: TrustDomain;
  readonly limits: PageLimits;
}

/** An agent listing's filters as requested. */
export interface AgentFilterInput {
  /** `''` or `all`, `attested`, `evicted`, `banned`. */
  readonly state?: string | undefined;
  readonly attestationType?: string | undefined;
  readonly selectors?: readonly SelectorInput[] | undefined;
  /** Default `exact`. */
  readonly selectorMatch?: SetMatch | undefined;
}

/** A page of agents and the next page's token (`''` on the last page). */
export interface AgentListPage {
  readonly agents: readonly AgentRecord[];
  readonly nextPageToken: string;
}

const STATES: readonly string[] = ['all', 'attested', 'evicted', 'banned'];
const ATTESTATION_TYPE = /^[A-Za-z0-9._-]{1,128}$/;

/** Agent admin operations; see the module documentation. */
export class AgentService {
  readonly #deps: AgentServiceDeps;

  constructor(deps: AgentServiceDeps) {
    this.#deps = deps;
  }

  /** One page of agents matching the filters. */
  async list(input: AgentFilterInput, page: PageRequestInput | null | undefined): Promise<AgentListPage> {
    const filter = checkAgentFilter(input);
    const scope = { listing: 'agents', filter };
    const resolved = resolvePage(page, { ...scope, limits: this.#deps.limits });
    const result = await this.#deps.admin.listAgents(filter, { pageSize: resolved.pageSize, pageToken: resolved.position });
    return { agents: result.items, nextPageToken: nextPageToken(result.nextPageToken, scope) };
  }

  /** The agent `spiffeId`, or `not_found`. */
  get(spiffeId: string): Promise<AgentRecord> {
    return this.#deps.admin.getAgent(this.#id(spiffeId));
  }

  /** Evicts the agent: it must attest again. */
  async evict(spiffeId: string): Promise<AgentRecord> {
    const current = await this.get(spiffeId);
    if (current.banned) {
      throw new ApiError('failed_precondition', `spiffe_id: agent ${current.spiffeId} is banned; unban it to let it attest again`, { field: 'spiffe_id' });
    }
    return this.#deps.admin.evictAgent(current.spiffeId);
  }

  /** Bans the agent: it can neither renew nor attest until unbanned. */
  ban(spiffeId: string): Promise<AgentRecord> {
    return this.#deps.admin.banAgent(this.#id(spiffeId));
  }

  /** Lifts the agent's ban; it must attest again. */
  async unban(spiffeId: string): Promise<AgentRecord> {
    const current = await this.get(spiffeId);
    if (!current.banned) {
      throw new ApiError('failed_precondition', `spiffe_id: agent ${current.spiffeId} is not banned`, { field: 'spiffe_id' });
    }
    return this.#deps.admin.unbanAgent(current.spiffeId);
  }

  #id(spiffeId: string): string {
    return memberId(spiffeId, this.#deps.trustDomain, 'spiffe_id').toString();
  }
}

/** Checks an agent listing's filters; errors name the request field. */
export function checkAgentFilter(input: AgentFilterInput): AgentFilter {
  const state = input.state ?? '';
  if (state !== '' && !STATES.includes(state)) {
    throw ApiError.invalid('state', `must be one of ${STATES.join(', ')} (got ${JSON.stringify(state)})`);
  }
  const type = input.attestationType ?? '';
  if (type !== '' && !ATTESTATION_TYPE.test(type)) {
    throw ApiError.invalid('attestation_type', 'must be 1 to 128 letters, digits, ".", "_" or "-"');
  }
  const selectors = checkSelectors(input.selectors, 'selectors', true);
  if (selectors.length === 0 && input.selectorMatch !== undefined) {
    throw ApiError.invalid('selector_match', 'needs at least one selector to compare with');
  }
  return {
    ...(state === '' || state === 'all' ? {} : { state: state as AgentState }),
    ...(type === '' ? {} : { attestationType: type }),
    ...(selectors.length === 0 ? {} : { selectors: { selectors: normalizeSelectors(selectors, 'selectors'), match: input.selectorMatch ?? 'exact' } }),
  };
}
