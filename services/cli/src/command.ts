/**
 * The command model of the `signet` CLI: each command declares its words, flags and positionals,
 * and the dispatcher gives every command `--help`, `--output` where it prints data, and uniform exit codes.
 */
import type { Writable } from 'node:stream';

/** A flag a command accepts. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean;
  /** Placeholder shown in help, e.g. `FILE`. */
  readonly value?: string;
}

/** A positional argument. */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
}

/** What a running command gets. */
export interface CommandContext {
  readonly flags: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** `table` (default) or `json`, from `--output`, for commands that print data. */
  readonly output: 'table' | 'json';
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM), for long-running commands. */
  readonly signal: AbortSignal;
}

/** One `signet` command. */
export interface Command {
  /** The words that select it, e.g. `['config', 'check']`. */
  readonly path: readonly string[];
  readonly summary: string;
  readonly description?: string;
  readonly flags?: Readonly<Record<string, FlagSpec>>;
  readonly positionals?: readonly PositionalSpec[];
  /** True when the command prints data, so it accepts `--output table|json`. */
  readonly printsData?: boolean;
  readonly examples?: readonly string[];
  /** Runs the command; resolves to the exit code (0 when omitted). */
  run(ctx: CommandContext): Promise<number | void>;
}

/** A usage mistake: exit code 2 and a hint to read `--help`. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: readonly string[]) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure to report on one line: exit code 1. */
export class CommandError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CommandError';
  }
}
