/**
 * `signet entry show|list`: reading registration entries on the admin socket.
 * @module
 */
import { CommandError, type Command } from '../../command.js';
import { adminFlags, withAdmin, type AdminConnection } from '../../admin-client.js';
import { printData, renderTable } from '../../output.js';
import { entriesTable, entryDetails } from './entry-view.js';
import { listFlag, parseMatch, parsePageSize, parseSelector, requiredFlag, stringFlag } from './flags.js';
import type { Entry__Output, ListEntriesRequest, ListEntriesResponse__Output } from './wire.js';

/** `signet entry show`. */
export const entryShowCommand: Command = {
  path: ['entry', 'show'],
  summary: 'Show one registration entry',
  description: 'With --output json: the signet.types.v1.Entry message, 64-bit integers (times, revision) as decimal strings.',
  flags: { ...adminFlags, 'entry-id': { type: 'string', value: 'ID', description: 'the entry (required)' } },
  printsData: true,
  examples: ['signet entry show --entry-id 4f2c...'],
  async run(ctx) {
    const id = requiredFlag(ctx, 'entry-id');
    const entry = await withAdmin(ctx, (admin) => admin.call<Entry__Output>((o, cb) => admin.registrar.GetEntry({ id }, o, cb)));
    printData(ctx.stdout, ctx.output, entry, entryDetails);
  },
};

/**
 * Lists entries page by page: every page when `pageSize` is undefined, else the one page asked
 * for. Resolves to the entries and the token of the next page (`''` after the last).
 */
export async function listEntries(
  admin: AdminConnection,
  request: ListEntriesRequest,
  pageSize: number | undefined,
  pageToken: string,
): Promise<ListEntriesResponse__Output> {
  const entries: Entry__Output[] = [];
  let token = pageToken;
  const seen = new Set<string>();
  for (;;) {
    const page = { page_size: pageSize ?? 0, page_token: token };
    const res = await admin.call<ListEntriesResponse__Output>((o, cb) => admin.registrar.ListEntries({ ...request, page }, o, cb));
    entries.push(...res.entries);
    if (pageSize !== undefined || res.next_page_token === '') return { entries, next_page_token: res.next_page_token };
    if (seen.has(res.next_page_token)) throw new CommandError('the server returned the same page token twice; stopping');
    seen.add(res.next_page_token);
    token = res.next_page_token;
  }
}

/** `signet entry list`. */
export const entryListCommand: Command = {
  path: ['entry', 'list'],
  summary: 'List registration entries, optionally filtered',
  description:
    'Filters combine (an entry must pass all). --match says how --selector and --federates-with compare with an\n' +
    "entry's: exact (the same set), subset (the entry's are among the given), superset (the entry has all given;\n" +
    'the default) or any (at least one in common). Every page is fetched unless --page-size is given; then one\n' +
    'page is printed with the token of the next (pass it back with --page-token).\n' +
    'With --output json: {"entries": [...], "next_page_token": "..."}, entries as signet.types.v1.Entry messages.',
  flags: {
    ...adminFlags,
    'spiffe-id': { type: 'string', value: 'ID', description: 'only entries issuing this SPIFFE ID' },
    'parent-id': { type: 'string', value: 'ID', description: 'only entries with this parent' },
    selector: { type: 'string', value: 'TYPE:VALUE', multiple: true, description: 'selector filter, compared per --match' },
    'federates-with': { type: 'string', value: 'TRUST_DOMAIN', multiple: true, description: 'federated trust domain filter, compared per --match' },
    match: { type: 'string', value: 'MODE', default: 'superset', description: 'exact, subset, superset or any' },
    hint: { type: 'string', value: 'TEXT', description: 'only entries with this hint' },
    'page-size': { type: 'string', value: 'N', description: 'fetch one page of at most N entries (1-1000)' },
    'page-token': { type: 'string', value: 'TOKEN', description: 'the page to fetch (from a previous --page-size listing)' },
  },
  printsData: true,
  examples: [
    'signet entry list',
    'signet entry list --parent-id spiffe://example.org/spire/agent/join_token/n1',
    'signet entry list --selector k8s:ns:prod --match any --output json',
  ],
  async run(ctx) {
    const request: ListEntriesRequest = {};
    const spiffeId = stringFlag(ctx, 'spiffe-id');
    const parentId = stringFlag(ctx, 'parent-id');
    const hint = stringFlag(ctx, 'hint');
    if (spiffeId !== undefined) request.spiffe_id = spiffeId;
    if (parentId !== undefined) request.parent_id = parentId;
    if (hint !== undefined) request.hint = hint;
    const match = parseMatch(stringFlag(ctx, 'match') ?? 'superset');
    const selectors = listFlag(ctx, 'selector').map((s) => parseSelector(s));
    if (selectors.length > 0) [request.selectors, request.selector_match] = [selectors, match];
    const federatesWith = listFlag(ctx, 'federates-with');
    if (federatesWith.length > 0) [request.federates_with, request.federates_with_match] = [federatesWith, match];
    const sizeText = stringFlag(ctx, 'page-size');
    const pageSize = sizeText === undefined ? undefined : parsePageSize(sizeText);
    const pageToken = stringFlag(ctx, 'page-token') ?? '';
    const result = await withAdmin(ctx, (admin) => listEntries(admin, request, pageSize, pageToken));
    printData(ctx.stdout, ctx.output, result, (r) => {
      const body = r.entries.length === 0 ? 'No entries found.\n' : renderTable(entriesTable(r.entries));
      return r.next_page_token ? `${body}Next page token: ${r.next_page_token}\n` : body;
    });
  },
};
