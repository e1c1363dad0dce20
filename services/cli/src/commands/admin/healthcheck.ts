/**
 * `signet healthcheck`: whether a Signet server answers on its admin socket (and, when its
 * `endpoints.json` is at hand, whether its readiness endpoint says ready). Exit code 0 when
 * healthy, 1 with the reason when not.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { CommandError, type Command, type CommandContext } from '../../command.js';
import { adminDataDir, adminFlags, adminSocketPath, noServerMessage, withAdmin } from '../../admin-client.js';
import { printData } from '../../output.js';
import { ENDPOINTS_FILE } from '../../runtime/endpoints-file.js';
import { boolFlag } from './flags.js';
import type { BundleDocument__Output } from './wire.js';

/** How long each check may take. */
const CHECK_TIMEOUT_MS = 5_000;

/** The outcome of one check. */
interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Whether the socket accepts a connection. */
function connects(socketPath: string): Promise<Check> {
  return new Promise((resolve) => {
    const socket = createConnection({ path: socketPath });
    const done = (check: Check): void => {
      socket.destroy();
      resolve(check);
    };
    socket.setTimeout(CHECK_TIMEOUT_MS, () => done({ name: 'socket', ok: false, detail: `${socketPath}: no answer within ${CHECK_TIMEOUT_MS / 1000}s` }));
    socket.once('connect', () => done({ name: 'socket', ok: true, detail: `${socketPath} accepts connections` }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const missing = err.code === 'ENOENT' || err.code === 'ECONNREFUSED';
      done({ name: 'socket', ok: false, detail: missing ? noServerMessage(socketPath, err.code === 'ECONNREFUSED' ? 'nothing answers on the socket' : undefined) : `${socketPath}: ${err.message}` });
    });
  });
}

/** A cheap admin call: the local trust bundle (needs the registrar, the datastore and a published CA bundle). */
async function adminApi(ctx: CommandContext): Promise<Check> {
  try {
    const doc = await withAdmin(ctx, (admin) => admin.call<BundleDocument__Output>((o, cb) => admin.registrar.GetLocalBundle({}, o, cb)));
    return { name: 'admin_api', ok: true, detail: `local bundle of ${doc.bundle?.trust_domain ?? '?'}, sequence ${doc.bundle?.sequence_number ?? '0'}` };
  } catch (err) {
    return { name: 'admin_api', ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

/** The readiness URL of the server owning `socketPath`, from `<data dir>/endpoints.json`, if that file describes it. */
async function readyUrl(dataDir: string, socketPath: string, socketGiven: boolean): Promise<string | undefined> {
  let doc: { health?: { ready?: unknown }; admin_socket?: unknown };
  try {
    doc = JSON.parse(await readFile(join(dataDir, ENDPOINTS_FILE), 'utf8')) as typeof doc;
  } catch {
    return undefined;
  }
  const sameServer = typeof doc.admin_socket === 'string' ? doc.admin_socket === socketPath : !socketGiven;
  return sameServer && typeof doc.health?.ready === 'string' ? doc.health.ready : undefined;
}

async function ready(url: string): Promise<Check> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    await res.body?.cancel();
    return { name: 'ready', ok: res.ok, detail: `${url} answered ${res.status}` };
  } catch (err) {
    return { name: 'ready', ok: false, detail: `${url}: ${(err as Error).message}` };
  }
}

/** `signet healthcheck`. */
export const healthcheckCommand: Command = {
  path: ['healthcheck'],
  summary: 'Check that a Signet server is up and serving',
  description:
    'Calls the admin API on the socket (the local trust bundle) and, when <data dir>/endpoints.json describes the\n' +
    'same server, its readiness endpoint. --shallow only checks that the socket accepts connections.\n' +
    'Exit code 0 when healthy, 1 when not, with the reason.\n' +
    'With --output json: {"healthy": true|false, "socket": "...", "checks": [{"name", "ok", "detail"}]}.',
  flags: { ...adminFlags, shallow: { type: 'boolean', description: 'only check that the socket accepts connections' } },
  printsData: true,
  examples: ['signet healthcheck', 'signet healthcheck --socket /run/signet/admin.sock --shallow'],
  async run(ctx) {
    const socketPath = adminSocketPath(ctx.flags, ctx.env);
    const checks: Check[] = [];
    if (boolFlag(ctx, 'shallow')) {
      checks.push(await connects(socketPath));
    } else {
      checks.push(await adminApi(ctx));
      const url = await readyUrl(adminDataDir(ctx.flags, ctx.env), socketPath, typeof ctx.flags.socket === 'string');
      if (url !== undefined) checks.push(await ready(url));
    }
    const failed = checks.find((c) => !c.ok);
    const result = { healthy: failed === undefined, socket: socketPath, checks };
    if (ctx.output === 'json') {
      printData(ctx.stdout, 'json', result, () => '');
      if (failed === undefined) return 0;
      ctx.stderr.write(`signet: error: unhealthy: ${failed.detail}\n`);
      return 1;
    }
    if (failed !== undefined) throw new CommandError(`unhealthy: ${failed.detail}`);
    ctx.stdout.write(`healthy: ${checks.map((c) => `${c.name === 'admin_api' ? 'admin API' : c.name} ok (${c.detail})`).join('; ')}\n`);
    return 0;
  },
};
