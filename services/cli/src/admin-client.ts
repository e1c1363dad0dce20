/**
 * The admin commands' connection to a Signet server: the gRPC Registrar and CA clients on the
 * admin Unix socket (`<data dir>/admin.sock` unless `--socket` names another), calls with a
 * deadline, and failures turned into one-line {@link CommandError}s that name the field at fault
 * and the status, e.g. `entries[0].selectors: at least one selector is required (InvalidArgument)`.
 * @module
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ApiError,
  apiCodeOfGrpc,
  createGrpcClient,
  signetProtos,
  unaryCall,
  type ApiCode,
  type CAClient,
  type RegistrarClient,
} from '@signet/platform';
import { CommandError } from './command.js';

/** The admin socket's file name inside the data directory. */
export const ADMIN_SOCKET_FILE = 'admin.sock';
/** The data directory when neither `--data-dir` nor `SIGNET_DATA_DIR` names one. */
export const DEFAULT_DATA_DIR = '.signet';
/** How long one admin call may take. */
export const ADMIN_CALL_TIMEOUT_MS = 30_000;

/** The flags every admin command takes to find the server. */
export const adminFlags = {
  socket: { type: 'string', value: 'PATH', description: 'admin socket of the server (default <data dir>/admin.sock)' },
  'data-dir': { type: 'string', value: 'DIR', description: 'data directory of the server (default SIGNET_DATA_DIR, else ./.signet)' },
} as const;

type Flags = Readonly<Record<string, string | boolean | string[] | undefined>>;
type Env = Readonly<Record<string, string | undefined>>;

/** The data directory: `--data-dir`, else `SIGNET_DATA_DIR`, else `./.signet`, as an absolute path. */
export function adminDataDir(flags: Flags, env: Env): string {
  const flag = flags['data-dir'];
  const dir = typeof flag === 'string' && flag !== '' ? flag : env.SIGNET_DATA_DIR || DEFAULT_DATA_DIR;
  return resolve(dir);
}

/** The admin socket: `--socket`, else `<data dir>/admin.sock`, as an absolute path. */
export function adminSocketPath(flags: Flags, env: Env): string {
  const flag = flags.socket;
  return typeof flag === 'string' && flag !== '' ? resolve(flag) : join(adminDataDir(flags, env), ADMIN_SOCKET_FILE);
}

/** The hint printed when nothing answers on the admin socket. */
export function noServerMessage(socketPath: string, reason?: string): string {
  return `no Signet server at ${socketPath}${reason ? ` (${reason})` : ''}: start one with \`signet server\``;
}

const CODE_NAMES: Readonly<Record<ApiCode, string>> = {
  invalid_argument: 'InvalidArgument',
  not_found: 'NotFound',
  already_exists: 'AlreadyExists',
  permission_denied: 'PermissionDenied',
  unauthenticated: 'Unauthenticated',
  failed_precondition: 'FailedPrecondition',
  aborted: 'Aborted',
  resource_exhausted: 'ResourceExhausted',
  unavailable: 'Unavailable',
  deadline_exceeded: 'DeadlineExceeded',
  unimplemented: 'Unimplemented',
  internal: 'Internal',
};

/** One line for a failure: the message, prefixed with the field unless it already starts with it, then the status name. */
export function describeFailure(code: ApiCode, message: string, field?: string): string {
  const text = field && !message.startsWith(field) ? `${field}: ${message}` : message;
  return `${text} (${CODE_NAMES[code]})`;
}

/** {@link describeFailure} for a batch item's status (`code` a gRPC status number). */
export function describeItemStatus(status: { readonly code: number; readonly message: string; readonly field: string }): string {
  return describeFailure(apiCodeOfGrpc(status.code), status.message, status.field || undefined);
}

/** Whether a call failed because nothing listens on the socket (rather than the server refusing it). */
function isConnectionFailure(err: ApiError): boolean {
  if (err.apiCode !== 'unavailable') return false;
  return /No connection established|\bconnect (?:ECONNREFUSED|ENOENT)\b|Connection dropped/.test(err.message);
}

/** Options of every call: a deadline. */
export interface AdminCallOptions {
  readonly deadline: Date;
}

type Start<Res> = Parameters<typeof unaryCall<Res>>[0];
type Callback<Res> = Parameters<Start<Res>>[0];
type UnaryCallHandle = ReturnType<Start<unknown>>;

/** An open connection to the admin socket. */
export interface AdminConnection {
  readonly socketPath: string;
  readonly registrar: RegistrarClient;
  readonly ca: CAClient;
  /**
   * Runs one unary call with the admin deadline; failures reject with a {@link CommandError}
   * naming the field and the status (or the "no server" hint when nothing answers).
   *
   * @example
   * ```ts
   * const entry = await admin.call<Entry__Output>((options, cb) => admin.registrar.GetEntry({ id }, options, cb));
   * ```
   */
  call<Res>(start: (options: AdminCallOptions, callback: Callback<Res>) => UnaryCallHandle): Promise<Res>;
  close(): void;
}

/** Checks that `socketPath` is a socket, with the "start a server" hint when it does not exist. */
async function checkSocket(socketPath: string): Promise<void> {
  let info;
  try {
    info = await stat(socketPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CommandError(noServerMessage(socketPath));
    if (code === 'EACCES') throw new CommandError(`cannot reach ${socketPath}: permission denied (the admin socket belongs to the user running the server)`);
    throw new CommandError(`cannot reach ${socketPath}: ${(err as Error).message}`);
  }
  if (!info.isSocket()) throw new CommandError(`${socketPath} is not a socket: pass the admin socket of a running \`signet server\` with --socket`);
}

/**
 * Opens clients on the admin socket named by `--socket` / `--data-dir` / `SIGNET_DATA_DIR`.
 * Fails with the "no Signet server" hint when the socket does not exist.
 */
export async function connectAdmin(flags: Flags, env: Env, signal?: AbortSignal): Promise<AdminConnection> {
  const socketPath = adminSocketPath(flags, env);
  await checkSocket(socketPath);
  const protos = signetProtos();
  const target = `unix://${socketPath}`;
  const registrar = createGrpcClient(protos.registrar, target);
  const ca = createGrpcClient(protos.ca, target);
  return {
    socketPath,
    registrar,
    ca,
    async call<Res>(start: (options: AdminCallOptions, callback: Callback<Res>) => UnaryCallHandle): Promise<Res> {
      try {
        return await unaryCall<Res>((cb) => start({ deadline: new Date(Date.now() + ADMIN_CALL_TIMEOUT_MS) }, cb), signal);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (isConnectionFailure(err)) throw new CommandError(noServerMessage(socketPath, 'nothing answers on the socket'));
        throw new CommandError(describeFailure(err.apiCode, err.message, err.field));
      }
    },
    close() {
      registrar.close();
      ca.close();
    },
  };
}

/** Runs `fn` with a connection and closes it afterwards. */
export async function withAdmin<T>(
  ctx: { readonly flags: Flags; readonly env: Env; readonly signal?: AbortSignal },
  fn: (admin: AdminConnection) => Promise<T>,
): Promise<T> {
  const admin = await connectAdmin(ctx.flags, ctx.env, ctx.signal);
  try {
    return await fn(admin);
  } finally {
    admin.close();
  }
}
