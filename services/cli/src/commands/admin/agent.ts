/**
 * `signet agent list|show|evict|ban|unban`: the attested node agents.
 * @module
 */
import type { Command } from '../../command.js';
import { adminFlags, withAdmin, type AdminConnection } from '../../admin-client.js';
import { printData, renderTable, type Table } from '../../output.js';
import { listFlag, parseChoice, parseMatch, parsePageSize, parseSelector, requiredFlag, stringFlag } from './flags.js';
import { formatTime, renderDetails } from './format.js';
import type { Agent__Output, ListAgentsRequest, ListAgentsResponse__Output } from './wire.js';

const AGENT_JSON = 'With --output json: the signet.types.v1.Agent message, 64-bit integers (times) as decimal strings.';

/** An agent's state in one word. */
function stateOf(agent: Agent__Output): string {
  if (agent.banned) return 'banned';
  return agent.attested ? 'attested' : 'evicted';
}

function agentsTable(agents: readonly Agent__Output[]): Table {
  return {
    columns: ['SPIFFE ID', 'ATTESTATION TYPE', 'STATE', 'SVID SERIAL', 'SVID EXPIRES'],
    rows: agents.map((a) => [a.spiffe_id, a.attestation_type, stateOf(a), a.x509_svid_serial, formatTime(a.x509_svid_expires_at)]),
  };
}

function agentDetails(a: Agent__Output): string {
  return renderDetails([
    ['SPIFFE ID', a.spiffe_id],
    ['Attestation type', a.attestation_type],
    ['State', stateOf(a)],
    ['Selector', a.selectors.map((s) => `${s.type}:${s.value}`)],
    ['SVID serial', a.x509_svid_serial],
    ['SVID expires', formatTime(a.x509_svid_expires_at)],
    ['Created', formatTime(a.created_at)],
    ['Updated', formatTime(a.updated_at)],
  ]);
}

async function listAgents(admin: AdminConnection, request: ListAgentsRequest, pageSize: number | undefined, pageToken: string): Promise<ListAgentsResponse__Output> {
  const agents: Agent__Output[] = [];
  let token = pageToken;
  for (;;) {
    const page = { page_size: pageSize ?? 0, page_token: token };
    const res = await admin.call<ListAgentsResponse__Output>((o, cb) => admin.registrar.ListAgents({ ...request, page }, o, cb));
    agents.push(...res.agents);
    if (pageSize !== undefined || res.next_page_token === '' || res.next_page_token === token) return { agents, next_page_token: res.next_page_token };
    token = res.next_page_token;
  }
}

/** `signet agent list`. */
export const agentListCommand: Command = {
  path: ['agent', 'list'],
  summary: 'List attested agents',
  description:
    'Every page is fetched unless --page-size is given. With --output json: {"agents": [...], "next_page_token": "..."}.',
  flags: {
    ...adminFlags,
    state: { type: 'string', value: 'STATE', default: 'all', description: 'all, attested, evicted or banned' },
    'attestation-type': { type: 'string', value: 'TYPE', description: 'only agents attested this way, e.g. join_token' },
    selector: { type: 'string', value: 'TYPE:VALUE', multiple: true, description: 'node selector filter, compared per --match' },
    match: { type: 'string', value: 'MODE', default: 'superset', description: 'exact, subset, superset or any' },
    'page-size': { type: 'string', value: 'N', description: 'fetch one page of at most N agents (1-1000)' },
    'page-token': { type: 'string', value: 'TOKEN', description: 'the page to fetch' },
  },
  printsData: true,
  examples: ['signet agent list', 'signet agent list --state banned --output json'],
  async run(ctx) {
    const request: ListAgentsRequest = { state: parseChoice(stringFlag(ctx, 'state') ?? 'all', 'state', ['all', 'attested', 'evicted', 'banned']) };
    const type = stringFlag(ctx, 'attestation-type');
    if (type !== undefined) request.attestation_type = type;
    const match = parseMatch(stringFlag(ctx, 'match') ?? 'superset');
    const selectors = listFlag(ctx, 'selector').map((s) => parseSelector(s));
    if (selectors.length > 0) [request.selectors, request.selector_match] = [selectors, match];
    const sizeText = stringFlag(ctx, 'page-size');
    const pageSize = sizeText === undefined ? undefined : parsePageSize(sizeText);
    const result = await withAdmin(ctx, (admin) => listAgents(admin, request, pageSize, stringFlag(ctx, 'page-token') ?? ''));
    printData(ctx.stdout, ctx.output, result, (r) => {
      const body = r.agents.length === 0 ? 'No agents found.\n' : renderTable(agentsTable(r.agents));
      return r.next_page_token ? `${body}Next page token: ${r.next_page_token}\n` : body;
    });
  },
};

const idFlag = { 'spiffe-id': { type: 'string', value: 'ID', description: "the agent's SPIFFE ID (required)" } } as const;

/** `signet agent show`. */
export const agentShowCommand: Command = {
  path: ['agent', 'show'],
  summary: 'Show one attested agent',
  description: AGENT_JSON,
  flags: { ...adminFlags, ...idFlag },
  printsData: true,
  examples: ['signet agent show --spiffe-id spiffe://example.org/spire/agent/join_token/2f1c...'],
  async run(ctx) {
    const spiffeId = requiredFlag(ctx, 'spiffe-id');
    const agent = await withAdmin(ctx, (admin) => admin.call<Agent__Output>((o, cb) => admin.registrar.GetAgent({ spiffe_id: spiffeId }, o, cb)));
    printData(ctx.stdout, ctx.output, agent, agentDetails);
  },
};

type AgentAction = 'EvictAgent' | 'BanAgent' | 'UnbanAgent';

function agentActionCommand(word: string, method: AgentAction, summary: string, done: string, description: string): Command {
  return {
    path: ['agent', word],
    summary,
    description: `${description}\n${AGENT_JSON}`,
    flags: { ...adminFlags, ...idFlag },
    printsData: true,
    examples: [`signet agent ${word} --spiffe-id spiffe://example.org/spire/agent/join_token/2f1c...`],
    async run(ctx) {
      const spiffeId = requiredFlag(ctx, 'spiffe-id');
      const agent = await withAdmin(ctx, (admin) => admin.call<Agent__Output>((o, cb) => admin.registrar[method]({ spiffe_id: spiffeId }, o, cb)));
      printData(ctx.stdout, ctx.output, agent, (a) => `Agent ${a.spiffe_id} ${done}.\n`);
    },
  };
}

/** `signet agent evict`. */
export const agentEvictCommand = agentActionCommand('evict', 'EvictAgent', 'Evict an agent (it may attest again)', 'evicted', 'Its SVID is no longer renewed; the agent may attest again to come back.');
/** `signet agent ban`. */
export const agentBanCommand = agentActionCommand('ban', 'BanAgent', 'Ban an agent until unbanned', 'banned', 'A banned agent may neither renew its SVID nor attest again until unbanned.');
/** `signet agent unban`. */
export const agentUnbanCommand = agentActionCommand('unban', 'UnbanAgent', 'Lift the ban on an agent', 'unbanned', 'The agent may attest again.');
