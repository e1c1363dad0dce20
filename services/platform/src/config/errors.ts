/**
 * Config problems and the error that lists them all.
 * @module
 */

/** Where a config value came from. */
export type ConfigSource = 'default' | 'file' | 'env' | 'override';

/** One thing wrong with the config, with where the bad value came from. */
export interface ConfigProblem {
  /** The key path, e.g. `health.port`; empty for problems with the file as a whole. */
  readonly path: string;
  /** What is wrong, e.g. `expected an integer from 0 to 65535, got "abc"`. */
  readonly message: string;
  /** Which layer supplied the bad value; absent when the key was not set anywhere. */
  readonly source?: Exclude<ConfigSource, 'default'>;
  /** The environment variable, when `source` is `env`. */
  readonly env?: string;
  /** The config file, when `source` is `file`. */
  readonly file?: string;
  /** 1-based line in the file, when known. */
  readonly line?: number;
  /** 1-based column in the file, when known. */
  readonly column?: number;
}

/**
 * Renders a problem on one line: origin, key path, message.
 *
 * @example
 * ```ts
 * formatProblem({ path: 'ca.x509_svid_ttl', message: 'expected a duration such as "1h" or "90s", got 12',
 *   source: 'file', file: 'signet.yaml', line: 4, column: 18 });
 * // 'signet.yaml:4:18: ca.x509_svid_ttl: expected a duration such as "1h" or "90s", got 12'
 * ```
 */
export function formatProblem(problem: ConfigProblem): string {
  const parts: string[] = [];
  if (problem.source === 'env' && problem.env !== undefined) parts.push(`environment variable ${problem.env}`);
  else if (problem.source === 'override') parts.push('override');
  else if (problem.file !== undefined) {
    parts.push(
      problem.line !== undefined ? `${problem.file}:${problem.line}:${problem.column ?? 1}` : problem.file,
    );
  }
  if (problem.path !== '') parts.push(problem.path);
  parts.push(problem.message);
  return parts.join(': ');
}

/**
 * Thrown by `loadConfig` when the config is invalid; lists every problem found, not just
 * the first, so one edit can fix them all.
 */
export class ConfigError extends Error {
  /** Stable code for programmatic checks. */
  readonly code = 'ERR_CONFIG_INVALID';
  /** Every problem found, in file order then key order. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid configuration (${count}):\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}
