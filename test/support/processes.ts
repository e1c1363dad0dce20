/**
 * Helpers for tests that run Signet as real processes: paths of the built CLI, spawning with
 * captured output, and waiting for `endpoints.json`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest ancestor whose package.json declares the workspaces. */
export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return dir;
    if (dirname(dir) === dir) throw new Error(`no workspace root above ${start}`);
  }
}
/** The `signet` executable script. */
export const signetBin = join(repoRoot, 'services', 'cli', 'bin', 'signet.mjs');

/** A spawned process with its output collected so far. */
export interface Spawned {
  readonly child: ChildProcess;
  readonly output: () => { stdout: string; stderr: string };
  /** Resolves with the exit code (or the signal name) once the process ends. */
  readonly exited: Promise<number | string>;
}

/**
 * Spawns `signet args...` with a clean environment plus `env`. The federation bundle endpoint
 * listens on a free port (tests run many Signets at once); `env` may say otherwise.
 */
export function spawnSignet(args: readonly string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [signetBin, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SIGNET_FEDERATION_BUNDLE_ENDPOINT_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Runs `signet args...` to completion. */
export async function runSignet(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const p = spawnSignet(args, env);
  const code = await p.exited;
  return { code, ...p.output() };
}

/** Waits until `<dataDir>/endpoints.json` exists and parses, or the process exits, or `timeoutMs` passes. */
export async function waitForEndpoints<T = Record<string, unknown>>(dataDir: string, proc: Spawned, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  void proc.exited.then((c) => (exited = c));
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      const { stdout, stderr } = proc.output();
      throw new Error(`signet exited with ${exited} before it was ready\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
    try {
      return JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as T;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const { stdout, stderr } = proc.output();
  throw new Error(`timed out waiting for endpoints.json\nstdout: ${stdout}\nstderr: ${stderr}`);
}
