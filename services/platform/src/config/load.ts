/**
 * Loading the config: defaults < file < environment < explicit overrides, validated in one
 * pass that reports every problem with the layer (file line, variable name) it came from.
 * @module
 */
import type { ConfigSchema } from './config-schema.js';
import { coreConfigSchema } from './core-sections.js';
import { readEnv } from './env.js';
import { ConfigError, type ConfigProblem, type ConfigSource } from './errors.js';
import { LayeredInput } from './layers.js';
import { normalizeOverrides } from './overrides.js';
import { formatPath } from './path.js';
import { collectSecrets } from './secrets.js';
import { INVALID, ParseContext, describeValue, isPlainObject, type ObjectOutput, type Shape } from './schema/index.js';
import { readYamlFile, type YamlFile } from './yaml-file.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions<S extends Shape> {
  /** The root schema (`configSchema(coreSections(), ...)`). */
  readonly schema: ConfigSchema<S>;
  /** Path of the YAML config file; without it only defaults, env and overrides apply. */
  readonly file?: string;
  /**
   * The environment to read `SIGNET_*` variables from. Pass `process.env` from `main.ts`;
   * nothing in Signet reads `process.env` itself. Omitted means no variables.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Explicit values (CLI flags), nested (`{ health: { port: 8080 } }`) or by dotted path
   * (`{ 'health.port': 8080 }`). Strings given for non-string keys are read like environment
   * values (`'8080'` → `8080`).
   */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/** A loaded config. */
export interface LoadedConfig<T> {
  /** The validated, typed config (deeply frozen). */
  readonly config: T;
  /** Which layer set each leaf key that has a value, by path (`database.url` → `env`). */
  readonly sources: Readonly<Record<string, ConfigSource>>;
  /** Values of keys marked secret (e.g. the database password), for `registerSecret`. */
  readonly secrets: readonly string[];
}

/**
 * Loads and validates the config. Throws {@link ConfigError} listing every problem.
 *
 * @example
 * ```ts
 * const { config, sources } = loadConfig({
 *   schema: configSchema(coreSections()),
 *   file: 'signet.yaml',
 *   env: process.env,
 *   overrides: { 'log.level': 'debug' },
 * });
 * config.health.port; // number
 * ```
 */
export function loadConfig<S extends Shape>(options: LoadConfigOptions<S>): LoadedConfig<ObjectOutput<S>> {
  const result = resolveConfig(options);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.loaded;
}

/**
 * Checks a config file alone (no environment, no overrides) and returns its problems, an
 * empty list when it is valid; for `signet config check FILE`. Pass the schema with every
 * service's sections, or keys of those sections are reported unknown.
 */
export function checkConfigFile<S extends Shape>(
  file: string,
  schema: ConfigSchema<S> = coreConfigSchema as unknown as ConfigSchema<S>,
): readonly ConfigProblem[] {
  const result = resolveConfig({ schema, file });
  return result.ok ? [] : result.problems;
}

type Resolved<T> =
  | { readonly ok: true; readonly loaded: LoadedConfig<T> }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

function resolveConfig<S extends Shape>(options: LoadConfigOptions<S>): Resolved<ObjectOutput<S>> {
  const { schema } = options;
  const input = new LayeredInput(schema.root);
  let yaml: YamlFile | undefined;

  if (options.file !== undefined) {
    const read = readYamlFile(options.file);
    if (!read.ok) return { ok: false, problems: read.problems };
    yaml = read.file;
    if (!isPlainObject(yaml.data)) {
      const where = yaml.locate([]);
      return {
        ok: false,
        problems: [
          {
            path: '',
            message: `expected a mapping of config sections, got ${describeValue(yaml.data)}`,
            source: 'file',
            file: yaml.name,
            ...(where === undefined ? {} : { line: where.line, column: where.column }),
          },
        ],
      };
    }
    input.overlay(yaml.data, { source: 'file' });
  }
  for (const { binding, value } of readEnv(schema.env, options.env ?? {})) {
    input.set(binding.path, value, { source: 'env', env: binding.name });
  }
  if (options.overrides !== undefined) {
    input.overlay(normalizeOverrides(options.overrides, schema.root), { source: 'override' });
  }

  const ctx = new ParseContext();
  const config = schema.root.parse(input.data, [], ctx);
  if (config === INVALID || ctx.issues.length > 0) {
    const problems = ctx.issues.map((issue): ConfigProblem => {
      const origin = input.originOf(issue.path);
      const base = { path: formatPath(issue.path).replace(/^\(root\)$/, ''), message: issue.message };
      if (origin === undefined) return yaml === undefined ? base : { ...base, file: yaml.name };
      if (origin.source === 'env') return { ...base, source: 'env', env: origin.env as string };
      if (origin.source === 'override') return { ...base, source: 'override' };
      const unknownKey = issue.message.startsWith('unknown key');
      const where = yaml?.locate(issue.path, unknownKey ? 'key' : 'value');
      return {
        ...base,
        source: 'file',
        ...(yaml === undefined ? {} : { file: yaml.name }),
        ...(where === undefined ? {} : { line: where.line, column: where.column }),
      };
    });
    return { ok: false, problems: sortProblems(problems) };
  }

  const sources: Record<string, ConfigSource> = {};
  for (const binding of schema.env.values()) {
    if (valueAt(config, binding.path) === undefined) continue;
    // A key unset by an empty variable (raw null) took its default.
    const raw = valueAt(input.data, binding.path);
    const origin = raw === null ? undefined : input.originAt(binding.path);
    sources[formatPath(binding.path)] = origin?.source ?? 'default';
  }
  return {
    ok: true,
    loaded: Object.freeze({
      config,
      sources: Object.freeze(sources),
      secrets: collectSecrets(schema.env.values(), config),
    }),
  };
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      const la = a.problem.line ?? Infinity;
      const lb = b.problem.line ?? Infinity;
      return la !== lb ? la - lb : a.index - b.index;
    })
    .map(({ problem }) => problem);
}

/** The value at a key path of a parsed config, or `undefined`. */
export function valueAt(config: unknown, path: readonly string[]): unknown {
  let current: unknown = config;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
