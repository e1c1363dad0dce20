import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { CommandError, UsageError, type Command, type CommandContext } from './command.js';
import { commandHelp, rootHelp } from './help.js';

/** Where a CLI run reads and writes; `process` in production, buffers in tests. */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the process should stop; defaults to SIGINT/SIGTERM of this process. */
  readonly signal?: AbortSignal;
}

/** Finds the command whose path is the longest prefix of `argv`. */
function findCommand(commands: readonly Command[], argv: readonly string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.path.length <= argv.length && c.path.every((w, i) => argv[i] === w)) {
      if (!best || c.path.length > best.path.length) best = c;
    }
  }
  return best;
}

/** Runs one CLI invocation and returns the process exit code (0 ok, 1 failure, 2 usage). */
export async function dispatch(commands: readonly Command[], argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(rootHelp(commands));
    return argv.length === 0 ? 2 : 0;
  }
  const cmd = findCommand(commands, argv);
  if (!cmd) {
    const words = argv.filter((a) => !a.startsWith('-'));
    const group = commands.filter((c) => c.path[0] === words[0]);
    if (group.length > 0 && (argv.includes('--help') || argv.includes('-h') || words.length === 1)) {
      io.stdout.write(rootHelp(group));
      return words.length === 1 && !argv.includes('--help') && !argv.includes('-h') ? 2 : 0;
    }
    io.stderr.write(`signet: unknown command "${words.join(' ')}"; run 'signet --help' for the list\n`);
    return 2;
  }
  const rest = argv.slice(cmd.path.length);
  try {
    const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
      help: { type: 'boolean', short: 'h' },
    };
    for (const [name, f] of Object.entries(cmd.flags ?? {})) {
      options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
    }
    if (cmd.printsData) options.output = { type: 'string', short: 'o' };
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, ''), cmd.path);
    }
    const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
    if (values.help) {
      io.stdout.write(commandHelp(cmd));
      return 0;
    }
    const output = (values.output ?? 'table') as string;
    if (output !== 'table' && output !== 'json') throw new UsageError(`--output must be "table" or "json" (got "${output}")`, cmd.path);
    const specs = cmd.positionals ?? [];
    const required = specs.filter((p) => p.required).length;
    if (parsed.positionals.length < required) {
      throw new UsageError(`missing argument <${specs[parsed.positionals.length]?.name ?? 'argument'}>`, cmd.path);
    }
    if (parsed.positionals.length > specs.length) {
      throw new UsageError(`unexpected argument "${parsed.positionals[specs.length]}"`, cmd.path);
    }
    const flags: Record<string, string | boolean | string[] | undefined> = {};
    for (const [name, f] of Object.entries(cmd.flags ?? {})) flags[name] = values[name] ?? f.default;
    const ctx: CommandContext = {
      flags,
      positionals: parsed.positionals,
      env: io.env,
      stdout: io.stdout,
      stderr: io.stderr,
      output,
      signal: io.signal ?? processSignal(),
    };
    const code = await cmd.run(ctx);
    return code ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`signet: ${err.message}; run 'signet ${(err.command ?? cmd.path).join(' ')} --help'\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`signet: error: ${oneLine(message)}\n`);
    return err instanceof CommandError ? err.exitCode : 1;
  }
}

/** Folds a multi-line message to one line, as the CLI promises one-line reasons. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, '; ').trim();
}

function processSignal(): AbortSignal {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return ac.signal;
}
