/**
 * Registration entries from the command line: the entry flags shared by `entry create` and
 * `entry update` (giving an `Entry` and the `EntryMask` of the fields set), and the JSON file of
 * `entry create --data FILE`.
 *
 * The file holds `{"entries": [ ... ]}`, each entry with the proto field names of
 * `signet.types.v1.Entry`: `spiffe_id`, `parent_id`, `selectors` (`[{"type": "unix", "value":
 * "uid:1000"}]`), `x509_svid_ttl` and `jwt_svid_ttl` (seconds), `dns_names`, `federates_with`,
 * `admin`, `downstream`, `hint`, `expires_at` (Unix seconds) and optionally `id`.
 * @module
 */
import { SpiffeId } from '@signet/spiffe';
import { CommandError, UsageError, type CommandContext, type FlagSpec } from '../../command.js';
import { boolFlag, hasFlag, listFlag, MAX_INT32, parseSeconds, parseSelector, parseTimestamp, stringFlag } from './flags.js';
import type { Entry, EntryMask } from './wire.js';

/** The flags that set entry fields. */
export const entryFieldFlags = {
  'spiffe-id': { type: 'string', value: 'ID', description: 'SPIFFE ID the entry issues' },
  'parent-id': { type: 'string', value: 'ID', description: 'SPIFFE ID of the agent (or workload) that serves the entry' },
  node: { type: 'boolean', description: 'a node entry: the parent is the server, spiffe://<trust domain>/spire/server' },
  selector: { type: 'string', value: 'TYPE:VALUE', multiple: true, description: 'selector the workload must match, e.g. unix:uid:1000' },
  dns: { type: 'string', value: 'NAME', multiple: true, description: 'DNS SAN of the X.509-SVIDs' },
  'x509-svid-ttl': { type: 'string', value: 'DURATION', description: 'X.509-SVID lifetime, e.g. 1h or 3600 (0 = server default)' },
  'jwt-svid-ttl': { type: 'string', value: 'DURATION', description: 'JWT-SVID lifetime, e.g. 5m or 300 (0 = server default)' },
  'federates-with': { type: 'string', value: 'TRUST_DOMAIN', multiple: true, description: 'trust domain whose bundle workloads also get' },
  admin: { type: 'boolean', description: 'SVIDs of the entry are admin identities' },
  downstream: { type: 'boolean', description: 'SVIDs of the entry may sign (downstream server)' },
  hint: { type: 'string', value: 'TEXT', description: 'hint telling workloads apart when several entries match' },
  'entry-expiry': { type: 'string', value: 'TIME', description: 'when the entry expires: RFC 3339 or Unix seconds (never = no expiry)' },
} as const satisfies Record<string, FlagSpec>;

/** The path of the server's SPIFFE ID, the parent of node entries. */
export const SERVER_ID_PATH = '/spire/server';

/** The server ID of the trust domain of `spiffeId` (for `--node`). */
export function serverIdOf(spiffeId: string, flag = 'spiffe-id'): string {
  const id = SpiffeId.tryParse(spiffeId);
  if (id === undefined) throw new UsageError(`--${flag} is not a valid SPIFFE ID (got ${JSON.stringify(spiffeId)})`);
  return SpiffeId.fromPath(id.trustDomain, SERVER_ID_PATH).toString();
}

/** A list flag where a single empty value (`--dns ""`) means the empty list. */
function clearableList(ctx: Pick<CommandContext, 'flags'>, name: string): string[] {
  const values = listFlag(ctx, name);
  return values.length === 1 && values[0] === '' ? [] : values;
}

/** An entry and the mask of the fields its flags set. */
export interface EntryFromFlags {
  readonly entry: Entry;
  readonly mask: EntryMask;
  /** How many fields the flags set. */
  readonly fields: number;
}

/**
 * The entry the field flags describe. `--node` needs a trust domain: that of `--spiffe-id`, else
 * that of `nodeSpiffeId` (for updates, the entry's current SPIFFE ID).
 */
export function entryFromFlags(ctx: Pick<CommandContext, 'flags'>, nodeSpiffeId?: string): EntryFromFlags {
  const entry: Entry = {};
  const mask: EntryMask = {};
  const spiffeId = stringFlag(ctx, 'spiffe-id');
  if (spiffeId !== undefined) [entry.spiffe_id, mask.spiffe_id] = [spiffeId, true];
  if (boolFlag(ctx, 'node')) {
    if (hasFlag(ctx, 'parent-id')) throw new UsageError('--node and --parent-id are exclusive: a node entry\'s parent is the server');
    const source = spiffeId ?? nodeSpiffeId;
    if (source === undefined) throw new UsageError('--node needs --spiffe-id to know the trust domain');
    [entry.parent_id, mask.parent_id] = [serverIdOf(source), true];
  } else {
    const parentId = stringFlag(ctx, 'parent-id');
    if (parentId !== undefined) [entry.parent_id, mask.parent_id] = [parentId, true];
  }
  if (hasFlag(ctx, 'selector')) [entry.selectors, mask.selectors] = [listFlag(ctx, 'selector').map((s) => parseSelector(s)), true];
  if (hasFlag(ctx, 'dns')) [entry.dns_names, mask.dns_names] = [clearableList(ctx, 'dns'), true];
  if (hasFlag(ctx, 'federates-with')) [entry.federates_with, mask.federates_with] = [clearableList(ctx, 'federates-with'), true];
  const x509Ttl = stringFlag(ctx, 'x509-svid-ttl');
  if (x509Ttl !== undefined) [entry.x509_svid_ttl, mask.x509_svid_ttl] = [parseSeconds(x509Ttl, 'x509-svid-ttl'), true];
  const jwtTtl = stringFlag(ctx, 'jwt-svid-ttl');
  if (jwtTtl !== undefined) [entry.jwt_svid_ttl, mask.jwt_svid_ttl] = [parseSeconds(jwtTtl, 'jwt-svid-ttl'), true];
  for (const flag of ['admin', 'downstream'] as const) {
    if (boolFlag(ctx, `no-${flag}`)) {
      if (boolFlag(ctx, flag)) throw new UsageError(`--${flag} and --no-${flag} are exclusive`);
      [entry[flag], mask[flag]] = [false, true];
    } else if (boolFlag(ctx, flag)) {
      [entry[flag], mask[flag]] = [true, true];
    }
  }
  const hint = stringFlag(ctx, 'hint');
  if (hint !== undefined) [entry.hint, mask.hint] = [hint, true];
  const expiry = stringFlag(ctx, 'entry-expiry');
  if (expiry !== undefined) [entry.expires_at, mask.expires_at] = [parseTimestamp(expiry, 'entry-expiry'), true];
  return { entry, mask, fields: Object.keys(mask).length };
}

type FieldKind = 'string' | 'strings' | 'int32' | 'int64' | 'bool' | 'selectors';

const FILE_FIELDS: Readonly<Record<string, FieldKind>> = {
  id: 'string',
  spiffe_id: 'string',
  parent_id: 'string',
  selectors: 'selectors',
  x509_svid_ttl: 'int32',
  jwt_svid_ttl: 'int32',
  dns_names: 'strings',
  federates_with: 'strings',
  admin: 'bool',
  downstream: 'bool',
  hint: 'string',
  expires_at: 'int64',
};

const KIND_RULES: Readonly<Record<FieldKind, string>> = {
  string: 'must be a string',
  strings: 'must be a list of strings',
  int32: `must be a whole number of seconds from 0 to ${MAX_INT32}`,
  int64: 'must be Unix seconds (a whole number, or a string of digits)',
  bool: 'must be true or false',
  selectors: 'must be a list of {"type": ..., "value": ...} objects',
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fieldValue(kind: FieldKind, v: unknown): unknown {
  switch (kind) {
    case 'string':
      return typeof v === 'string' ? v : undefined;
    case 'strings':
      return Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined;
    case 'int32':
      return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_INT32 ? v : undefined;
    case 'int64':
      if (Number.isSafeInteger(v) && (v as number) >= 0) return String(v);
      return typeof v === 'string' && /^\d{1,19}$/.test(v) ? v : undefined;
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'selectors':
      if (!Array.isArray(v)) return undefined;
      return v.every((s) => isPlainObject(s) && typeof s.type === 'string' && typeof s.value === 'string' && Object.keys(s).every((k) => k === 'type' || k === 'value'))
        ? v.map((s: { type: string; value: string }) => ({ type: s.type, value: s.value }))
        : undefined;
  }
}

/** The entries of a `--data` file; a malformed file fails (exit 1) naming the file and the field. */
export function parseEntriesDocument(text: string, name: string): Entry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CommandError(`${name}: not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(doc) || !Array.isArray(doc.entries)) throw new CommandError(`${name}: must be a JSON object {"entries": [...]}`);
  const unknownTop = Object.keys(doc).find((k) => k !== 'entries');
  if (unknownTop !== undefined) throw new CommandError(`${name}: ${unknownTop}: unknown field (expected only "entries")`);
  if (doc.entries.length === 0) throw new CommandError(`${name}: entries: at least one entry is required`);
  return doc.entries.map((raw: unknown, i: number) => {
    const where = `${name}: entries[${i}]`;
    if (!isPlainObject(raw)) throw new CommandError(`${where}: must be an object`);
    const entry: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      const kind = FILE_FIELDS[key];
      if (kind === undefined) throw new CommandError(`${where}.${key}: unknown field (known: ${Object.keys(FILE_FIELDS).join(', ')})`);
      const converted = fieldValue(kind, value);
      if (converted === undefined) throw new CommandError(`${where}.${key}: ${KIND_RULES[kind]}`);
      entry[key] = converted;
    }
    return entry as Entry;
  });
}
