/**
 * The workload commands' connection to an agent's Workload API: the socket from `--socket`, else
 * `SPIFFE_ENDPOINT_SOCKET` (`unix:///path`), else `<data dir>/agent.sock`; every call carries the
 * `workload.spiffe.io: true` metadata; failures become one-line CommandErrors.
 * @module
 */
import { join, resolve } from 'node:path';
import { Metadata, type ClientReadableStream } from '@grpc/grpc-js';
import { ApiError, apiErrorFromGrpc, createGrpcClient, signetProtos, type SpiffeWorkloadAPIClient } from '@signet/platform';
import { CommandError, UsageError, type CommandContext } from '../../command.js';
import { adminDataDir } from '../../admin-client.js';

/** Flags shared by the workload commands. */
export const workloadFlags = {
  socket: { type: 'string', value: 'PATH', description: 'Workload API socket (default SPIFFE_ENDPOINT_SOCKET, else <data dir>/agent.sock)' },
  'data-dir': { type: 'string', value: 'DIR', description: 'data directory of the agent (default SIGNET_DATA_DIR, else ./.signet)' },
  timeout: { type: 'string', value: 'SECONDS', description: 'how long to wait for an answer (default 10)' },
} as const;

/** The socket path the flags and environment name. */
export function workloadSocketPath(ctx: Pick<CommandContext, 'flags' | 'env'>): string {
  const flag = ctx.flags.socket;
  if (typeof flag === 'string' && flag !== '') return resolve(flag.replace(/^unix:\/\//, ''));
  const env = ctx.env.SPIFFE_ENDPOINT_SOCKET;
  if (env) {
    if (!env.startsWith('unix:///')) throw new UsageError(`SPIFFE_ENDPOINT_SOCKET must be a unix:///absolute/path address, got ${JSON.stringify(env)}`);
    return env.slice('unix://'.length);
  }
  return join(adminDataDir(ctx.flags, ctx.env), 'agent.sock');
}

/** The timeout in ms from `--timeout`. */
export function timeoutMs(ctx: Pick<CommandContext, 'flags'>): number {
  const t = ctx.flags.timeout;
  if (t === undefined) return 10_000;
  const n = Number(t);
  if (typeof t !== 'string' || !Number.isFinite(n) || n <= 0) throw new UsageError('--timeout must be a positive number of seconds');
  return n * 1000;
}

/** The security header every Workload API call carries. */
export function workloadMetadata(): Metadata {
  const md = new Metadata();
  md.set('workload.spiffe.io', 'true');
  return md;
}

/** Runs `fn` with a Workload API client, closing it after; errors become CommandErrors. */
export async function withWorkloadApi<T>(ctx: Pick<CommandContext, 'flags' | 'env'>, fn: (client: SpiffeWorkloadAPIClient, socket: string) => Promise<T>): Promise<T> {
  const socket = workloadSocketPath(ctx);
  const client = createGrpcClient(signetProtos().workload, `unix://${socket}`);
  try {
    return await fn(client, socket);
  } catch (err) {
    throw toCommandError(err, socket);
  } finally {
    client.close();
  }
}

/** A one-line error for a failed Workload API call. */
export function toCommandError(err: unknown, socket: string): Error {
  if (err instanceof CommandError || err instanceof UsageError) return err;
  if (err instanceof ApiError) {
    if (err.apiCode === 'unavailable') return new CommandError(`no Signet agent answers at ${socket} (${err.message}): start one with \`signet agent\` or \`signet dev\``);
    if (err.apiCode === 'permission_denied') return new CommandError(`the agent has no identity for this process (${err.message}): register an entry whose selectors match it`);
    return new CommandError(`${err.message} (${err.apiCode})`);
  }
  return new CommandError(err instanceof Error ? err.message : String(err));
}

/** The first message of a server stream, then the call is cancelled. */
export function firstMessage<T>(call: ClientReadableStream<unknown>, ms: number): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      call.cancel();
      reject(new CommandError(`no answer from the agent within ${ms / 1000} s`));
    }, ms);
    call.on('data', (m: unknown) => {
      clearTimeout(timer);
      resolvePromise(m as T);
      call.cancel();
    });
    call.on('error', (err: { code?: number; details?: string; message?: string }) => {
      clearTimeout(timer);
      if (err.code === 1) return; // our own cancel after the first message
      reject(grpcError(err));
    });
  });
}

/** An ApiError from a grpc-js error object. */
export function grpcError(err: { code?: number; details?: string; message?: string }): ApiError {
  return apiErrorFromGrpc(err);
}
