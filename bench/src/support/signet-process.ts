/**
 * `signet dev` as a real process for benchmarks: spawned from the built CLI with its own data
 * directory, ready once `endpoints.json` appears, stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const signetBin = join(repoRoot, 'services', 'cli', 'bin', 'signet.mjs');

/** The parts of `endpoints.json` the benchmarks use. */
export interface DevEndpoints {
  readonly pid: number;
  readonly admin_socket: string;
  readonly agent_socket: string;
  readonly agent_spiffe_id: string;
  readonly database: { readonly engine: string };
}

/** A running `signet dev`. */
export interface SignetDev {
  readonly dataDir: string;
  readonly endpoints: DevEndpoints;
  /** Milliseconds from spawn to `endpoints.json`. */
  readonly startMs: number;
  readonly child: ChildProcess;
  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and removes the data directory. */
  stop(): Promise<number | string>;
}

/** Starts `signet dev --data-dir <tmp> --trust-domain <trustDomain>` on a free port. */
export async function startSignetDev(trustDomain: string, timeoutMs = 90_000): Promise<SignetDev> {
  const dataDir = await mkdtemp(join(tmpdir(), 'signet-bench-dev-'));
  const started = performance.now();
  const child = spawn(process.execPath, [signetBin, 'dev', '--data-dir', dataDir, '--trust-domain', trustDomain], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SIGNET_SERVER_PORT: '0', SIGNET_FEDERATION_BUNDLE_ENDPOINT_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the tail of the output for error messages; reading it keeps the pipes from filling.
  let tail = '';
  const keep = (d: Buffer): void => {
    tail = (tail + d.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      exitCode = code ?? signal ?? -1;
      resolve(exitCode);
    }),
  );
  const stop = async (): Promise<number | string> => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
    return exitCode!;
  };
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (exitCode !== undefined) throw new Error(`signet dev exited with ${exitCode} before it was ready:\n${tail}`);
      if (Date.now() > deadline) throw new Error(`signet dev not ready within ${timeoutMs} ms:\n${tail}`);
      try {
        const endpoints = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as DevEndpoints;
        return { dataDir, endpoints, startMs: performance.now() - started, child, stop };
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
}
