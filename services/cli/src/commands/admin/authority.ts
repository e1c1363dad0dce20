/**
 * `signet authority x509|jwt show|prepare|activate|taint|revoke`: the CA's signing authorities
 * and their rotation, including forced rotation after a key compromise (prepare, activate, taint
 * the old one, revoke it once everything it signed was re-issued).
 * @module
 */
import { CommandError, UsageError, type Command, type FlagSpec } from '../../command.js';
import { adminFlags, withAdmin } from '../../admin-client.js';
import { printData, renderTable, type Table } from '../../output.js';
import { stringFlag } from './flags.js';
import { authorityJson, formatTime } from './format.js';
import type { Authority__Output, ListAuthoritiesResponse__Output } from './wire.js';

/** The authority kinds, as the CA API names them. */
export const AUTHORITY_KINDS = ['x509', 'jwt'] as const;
type Kind = (typeof AUTHORITY_KINDS)[number];
type Action = 'show' | 'prepare' | 'activate' | 'taint' | 'revoke';

const LABEL: Readonly<Record<Kind, string>> = { x509: 'X.509 CA', jwt: 'JWT signing' };

function authoritiesTable(list: readonly Authority__Output[]): Table {
  return {
    columns: ['AUTHORITY ID', 'STATE', 'KEY ID', 'NOT BEFORE', 'NOT AFTER', 'UPSTREAM'],
    rows: list.map((a) => [a.id, a.state, a.key_id, formatTime(a.not_before), formatTime(a.not_after), a.upstream_chain.length > 0 ? 'yes' : 'no']),
  };
}

const AUTHORITY_JSON =
  'With --output json: the signet.types.v1.Authority message, the certificate, upstream chain and public key as PEM,\n' +
  'times (Unix seconds) as decimal strings.';

interface ActionSpec {
  readonly summary: (label: string) => string;
  readonly description: string;
  /** Whether --authority-id is required (`false`: optional). */
  readonly needsId: boolean;
  readonly idHelp: string;
  readonly done: string;
}

const ACTIONS: Readonly<Record<Exclude<Action, 'show'>, ActionSpec>> = {
  prepare: {
    summary: (l) => `Prepare the next ${l} authority now`,
    description: 'The prepared authority is published in the bundle at once but does not sign until activated.',
    needsId: false,
    idHelp: '',
    done: 'prepared',
  },
  activate: {
    summary: (l) => `Make the prepared ${l} authority the signing one`,
    description: 'The previously active authority stays in the bundle (state old) so what it signed still verifies.',
    needsId: false,
    idHelp: 'the prepared authority to activate (default: the prepared one)',
    done: 'activated',
  },
  taint: {
    summary: (l) => `Mark a non-active ${l} authority as compromised`,
    description: 'Agents re-issue everything the tainted authority signed. Activate a new authority first.',
    needsId: true,
    idHelp: 'the authority to taint (required)',
    done: 'tainted',
  },
  revoke: {
    summary: (l) => `Remove a tainted ${l} authority from the bundle`,
    description: 'Once revoked, SVIDs it signed no longer verify. Taint it first and let agents re-issue.',
    needsId: true,
    idHelp: 'the authority to revoke (required)',
    done: 'revoked',
  },
};

function showCommand(kind: Kind): Command {
  return {
    path: ['authority', kind, 'show'],
    summary: `Show the ${LABEL[kind]} authorities and their rotation state`,
    description: `States: prepared, active, old, tainted, revoked.\nWith --output json: {"authorities": [Authority...]}.\n${AUTHORITY_JSON}`,
    flags: { ...adminFlags, 'authority-id': { type: 'string', value: 'ID', description: 'only this authority' } },
    printsData: true,
    examples: [`signet authority ${kind} show`, `signet authority ${kind} show --output json`],
    async run(ctx) {
      const id = stringFlag(ctx, 'authority-id');
      const res = await withAdmin(ctx, (admin) => admin.call<ListAuthoritiesResponse__Output>((o, cb) => admin.ca.ListAuthorities({ kind }, o, cb)));
      const authorities = id === undefined ? res.authorities : res.authorities.filter((a) => a.id === id);
      if (id !== undefined && authorities.length === 0) throw new CommandError(`--authority-id: no ${kind} authority with id ${JSON.stringify(id)} (NotFound)`);
      if (ctx.output === 'json') {
        printData(ctx.stdout, 'json', { authorities: authorities.map(authorityJson) }, () => '');
        return;
      }
      ctx.stdout.write(authorities.length === 0 ? `No ${kind} authorities.\n` : renderTable(authoritiesTable(authorities)));
    },
  };
}

function actionCommand(kind: Kind, action: Exclude<Action, 'show'>): Command {
  const spec = ACTIONS[action];
  const idFlag: Record<string, FlagSpec> = spec.idHelp === '' ? {} : { 'authority-id': { type: 'string', value: 'ID', description: spec.idHelp } };
  return {
    path: ['authority', kind, action],
    summary: spec.summary(LABEL[kind]),
    description: `${spec.description}\n${AUTHORITY_JSON}`,
    flags: { ...adminFlags, ...idFlag },
    printsData: true,
    examples: [`signet authority ${kind} ${action}${spec.needsId ? ' --authority-id <id>' : ''}`],
    async run(ctx) {
      const id = stringFlag(ctx, 'authority-id') ?? '';
      if (spec.needsId && id === '') throw new UsageError(`--authority-id is required: the ${kind} authority to ${action} (see signet authority ${kind} show)`);
      const authority = await withAdmin(ctx, (admin) =>
        admin.call<Authority__Output>((o, cb) => {
          if (action === 'prepare') return admin.ca.PrepareAuthority({ kind }, o, cb);
          if (action === 'activate') return admin.ca.ActivateAuthority({ kind, id }, o, cb);
          if (action === 'taint') return admin.ca.TaintAuthority({ kind, id }, o, cb);
          return admin.ca.RevokeAuthority({ kind, id }, o, cb);
        }),
      );
      if (ctx.output === 'json') {
        printData(ctx.stdout, 'json', authorityJson(authority), () => '');
        return;
      }
      ctx.stdout.write(`${LABEL[kind]} authority ${authority.id} ${spec.done}.\n${renderTable(authoritiesTable([authority]))}`);
    },
  };
}

/** Every `signet authority` command. */
export const authorityCommands: readonly Command[] = AUTHORITY_KINDS.flatMap((kind) => [
  showCommand(kind),
  ...(Object.keys(ACTIONS) as Exclude<Action, 'show'>[]).map((action) => actionCommand(kind, action)),
]);
