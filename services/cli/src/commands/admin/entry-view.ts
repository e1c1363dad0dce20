/**
 * Registration entries on screen: a table for lists, a detail block for one entry, and the
 * reporting of batch results (created, updated or deleted items, each failure on its own line).
 * @module
 */
import { CommandError, type CommandContext } from '../../command.js';
import { describeItemStatus } from '../../admin-client.js';
import { printData, type Table } from '../../output.js';
import { formatExpiry, formatTime, formatTtl, jsonSafe, renderDetails } from './format.js';
import type { Entry__Output, EntryResult__Output } from './wire.js';

/** `type:value` of each selector. */
function selectorTexts(entry: Entry__Output): string[] {
  return entry.selectors.map((s) => `${s.type}:${s.value}`);
}

/** Entries as a table, one row each. */
export function entriesTable(entries: readonly Entry__Output[]): Table {
  return {
    columns: ['ENTRY ID', 'SPIFFE ID', 'PARENT ID', 'SELECTORS', 'X509 TTL', 'JWT TTL', 'EXPIRES'],
    rows: entries.map((e) => [e.id, e.spiffe_id, e.parent_id, selectorTexts(e).join(','), formatTtl(e.x509_svid_ttl), formatTtl(e.jwt_svid_ttl), formatExpiry(e.expires_at)]),
  };
}

/** Every field of one entry. */
export function entryDetails(e: Entry__Output): string {
  return renderDetails([
    ['Entry ID', e.id],
    ['SPIFFE ID', e.spiffe_id],
    ['Parent ID', e.parent_id],
    ['Selector', selectorTexts(e)],
    ['X509-SVID TTL', formatTtl(e.x509_svid_ttl)],
    ['JWT-SVID TTL', formatTtl(e.jwt_svid_ttl)],
    ['DNS name', e.dns_names],
    ['Federates with', e.federates_with],
    ['Admin', e.admin],
    ['Downstream', e.downstream],
    ['Hint', e.hint],
    ['Expires', formatExpiry(e.expires_at)],
    ['Revision', e.revision],
    ['Created', formatTime(e.created_at)],
    ['Updated', formatTime(e.updated_at)],
  ]);
}

/** What a batch call did, for {@link reportEntryResults}. */
export type EntryVerb = 'created' | 'updated' | 'deleted';

/**
 * Prints a batch response: the JSON message (`--output json`), or a table of the entries that
 * succeeded (for deletions, their ids). Each failed item is written to standard error as one
 * line naming its field and status; any failure fails the command (exit 1). With one item, its
 * failure is the command's error line.
 *
 * @param ids - the ids the request named, for deletions (their results carry no entry).
 */
export function reportEntryResults(
  ctx: Pick<CommandContext, 'stdout' | 'stderr' | 'output'>,
  response: { readonly results: readonly EntryResult__Output[] },
  verb: EntryVerb,
  ids: readonly string[] = [],
): void {
  const { results } = response;
  const failed = results.filter((r) => (r.status?.code ?? 0) !== 0);
  const succeeded = results.flatMap((r, i) => ((r.status?.code ?? 0) === 0 ? [{ entry: r.entry, id: r.entry?.id || ids[i] || '' }] : []));
  if (ctx.output === 'json') {
    printData(ctx.stdout, 'json', jsonSafe(response), () => '');
  } else if (succeeded.length > 0) {
    if (verb === 'deleted') {
      ctx.stdout.write(succeeded.map((s) => `Deleted entry ${s.id}\n`).join(''));
    } else {
      printData(ctx.stdout, 'table', succeeded.flatMap((s) => (s.entry ? [s.entry] : [])), entriesTable);
    }
  }
  if (failed.length === 0) return;
  const lines = failed.map((r) => describeItemStatus(r.status ?? { code: 2, message: 'failed', field: '' }));
  if (results.length === 1) throw new CommandError(lines[0] ?? 'failed');
  for (const line of lines) ctx.stderr.write(`signet: error: ${line}\n`);
  throw new CommandError(`${failed.length} of ${results.length} entries failed; ${succeeded.length} ${verb}`);
}
