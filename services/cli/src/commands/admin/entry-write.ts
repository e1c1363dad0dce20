/**
 * `signet entry create|update|delete`: writing registration entries through the registrar's
 * batch calls on the admin socket.
 * @module
 */
import { UsageError, type Command } from '../../command.js';
import { adminFlags, withAdmin } from '../../admin-client.js';
import { entryFieldFlags, entryFromFlags, parseEntriesDocument } from './entry-input.js';
import { reportEntryResults } from './entry-view.js';
import { listFlag, readInput, requiredFlag, stringFlag } from './flags.js';
import type { CreateEntriesResponse__Output, DeleteEntriesResponse__Output, Entry, Entry__Output, UpdateEntriesResponse__Output } from './wire.js';

const JSON_NOTE =
  'With --output json the registrar\'s response is printed as is: {"results": [{"status": {...}, "entry": {...}}]},\n' +
  'proto field names, 64-bit integers as decimal strings. Exit code 1 when any item failed.';

/** `signet entry create`. */
export const entryCreateCommand: Command = {
  path: ['entry', 'create'],
  summary: 'Create registration entries',
  description:
    'Creates one entry from the flags, or every entry of a JSON file with --data FILE (- for standard input):\n' +
    '  {"entries": [{"spiffe_id": "spiffe://example.org/web", "parent_id": "spiffe://example.org/spire/agent/join_token/n1",\n' +
    '                "selectors": [{"type": "unix", "value": "uid:1000"}], "x509_svid_ttl": 3600}]}\n' +
    'File entries use the proto field names of signet.types.v1.Entry; each is created or fails on its own.\n' +
    JSON_NOTE,
  flags: {
    ...adminFlags,
    ...entryFieldFlags,
    'entry-id': { type: 'string', value: 'ID', description: 'id of the new entry (default: generated)' },
    data: { type: 'string', value: 'FILE', description: 'create the entries of a JSON file instead (- for standard input)' },
  },
  printsData: true,
  examples: [
    'signet entry create --spiffe-id spiffe://example.org/web --parent-id spiffe://example.org/spire/agent/join_token/n1 --selector unix:uid:1000',
    'signet entry create --node --spiffe-id spiffe://example.org/nodes/prod --selector k8s_psat:cluster:prod',
    'signet entry create --data entries.json --output json',
  ],
  async run(ctx) {
    const data = stringFlag(ctx, 'data');
    let entries: Entry[];
    if (data !== undefined) {
      const given = Object.keys(entryFieldFlags).concat('entry-id').filter((f) => ctx.flags[f] !== undefined && ctx.flags[f] !== false);
      if (given.length > 0) throw new UsageError(`--data cannot be combined with --${given[0]}: the file describes the entries`);
      entries = parseEntriesDocument(await readInput(data), data === '-' ? 'standard input' : data);
    } else {
      const { entry } = entryFromFlags(ctx);
      if (entry.spiffe_id === undefined) throw new UsageError('--spiffe-id is required (or --data FILE)');
      if (entry.parent_id === undefined) throw new UsageError('--parent-id or --node is required');
      const id = stringFlag(ctx, 'entry-id');
      entries = [{ ...entry, ...(id !== undefined ? { id } : {}) }];
    }
    await withAdmin(ctx, async (admin) => {
      const response = await admin.call<CreateEntriesResponse__Output>((o, cb) => admin.registrar.CreateEntries({ entries }, o, cb));
      reportEntryResults(ctx, response, 'created');
    });
  },
};

/** `signet entry update`. */
export const entryUpdateCommand: Command = {
  path: ['entry', 'update'],
  summary: 'Change fields of a registration entry',
  description:
    'Sets only the fields given as flags; the others keep their value. Lists (--selector, --dns, --federates-with)\n' +
    'replace the whole list; --dns "" and --federates-with "" clear theirs. --no-admin and --no-downstream clear\n' +
    'those flags, --hint "" clears the hint and --entry-expiry never removes the expiry.\n' +
    JSON_NOTE,
  flags: {
    ...adminFlags,
    'entry-id': { type: 'string', value: 'ID', description: 'the entry to change (required)' },
    ...entryFieldFlags,
    'no-admin': { type: 'boolean', description: 'clear the admin flag' },
    'no-downstream': { type: 'boolean', description: 'clear the downstream flag' },
  },
  printsData: true,
  examples: [
    'signet entry update --entry-id 4f2c... --x509-svid-ttl 30m --dns web.example.org',
    'signet entry update --entry-id 4f2c... --selector unix:uid:1001 --selector unix:gid:100',
  ],
  async run(ctx) {
    const id = requiredFlag(ctx, 'entry-id');
    await withAdmin(ctx, async (admin) => {
      let current: Entry__Output | undefined;
      if (ctx.flags.node === true && ctx.flags['spiffe-id'] === undefined) {
        current = await admin.call<Entry__Output>((o, cb) => admin.registrar.GetEntry({ id }, o, cb));
      }
      const { entry, mask, fields } = entryFromFlags(ctx, current?.spiffe_id);
      if (fields === 0) throw new UsageError('nothing to change: give at least one entry field flag, e.g. --selector or --x509-svid-ttl');
      const response = await admin.call<UpdateEntriesResponse__Output>((o, cb) =>
        admin.registrar.UpdateEntries({ updates: [{ entry: { ...entry, id }, mask }] }, o, cb),
      );
      reportEntryResults(ctx, response, 'updated');
    });
  },
};

/** `signet entry delete`. */
export const entryDeleteCommand: Command = {
  path: ['entry', 'delete'],
  summary: 'Delete registration entries',
  description: JSON_NOTE,
  flags: {
    ...adminFlags,
    'entry-id': { type: 'string', value: 'ID', multiple: true, description: 'the entry to delete (required)' },
  },
  printsData: true,
  examples: ['signet entry delete --entry-id 4f2c...', 'signet entry delete --entry-id a1... --entry-id b2...'],
  async run(ctx) {
    const ids = listFlag(ctx, 'entry-id');
    if (ids.length === 0 || ids.some((id) => id === '')) throw new UsageError('--entry-id is required');
    await withAdmin(ctx, async (admin) => {
      const response = await admin.call<DeleteEntriesResponse__Output>((o, cb) => admin.registrar.DeleteEntries({ ids }, o, cb));
      reportEntryResults(ctx, response, 'deleted', ids);
    });
  },
};
