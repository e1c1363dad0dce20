/** Runs the CLI in-process with captured output, for tests. */
import { Writable } from 'node:stream';
import { main } from './main.js';

/** The result of one in-process CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `signet argv...` in this process, capturing its output. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}, signal?: AbortSignal): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  const code = await main(argv, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env,
    signal: signal ?? new AbortController().signal,
  });
  return { code, stdout, stderr };
}
