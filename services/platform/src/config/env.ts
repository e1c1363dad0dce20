/**
 * Environment variable overrides, derived from the schema: every leaf key gets one variable,
 * `SIGNET_` + its key path upper-cased with `.` replaced by `_` (`database.url` →
 * `SIGNET_DATABASE_URL`). Objects are not leaves; lists and maps are.
 * @module
 */
import { ObjectSchema, baseOf, isSecretSchema, type Schema, type Shape } from './schema/index.js';

/** One environment variable and the config key it sets. */
export interface EnvBinding {
  /** The variable name, e.g. `SIGNET_TELEMETRY_OTLP_ENDPOINT`. */
  readonly name: string;
  /** The key path it sets, e.g. `['telemetry', 'otlp', 'endpoint']`. */
  readonly path: readonly string[];
  /** The schema of that key (used to read the variable's text). */
  readonly schema: Schema<unknown>;
  /** Whether the key, or an object around it, is marked secret. */
  readonly secret: boolean;
}

/**
 * The variable name for a key path.
 *
 * @example
 * ```ts
 * envVarName(['database', 'url']); // 'SIGNET_DATABASE_URL'
 * ```
 */
export function envVarName(path: readonly string[], prefix = 'SIGNET'): string {
  return [prefix, ...path].join('_').toUpperCase();
}

/**
 * Lists the variables of every leaf key of `root`, keyed by variable name. Throws a
 * `TypeError` when two keys map to the same variable (`a_b.c` and `a.b_c`), or when a key
 * would take a reserved name such as `SIGNET_CONFIG` (kept for the config file path).
 */
export function deriveEnvBindings(
  root: ObjectSchema<Shape>,
  prefix = 'SIGNET',
  reserved: readonly string[] = [`${prefix}_CONFIG`],
): ReadonlyMap<string, EnvBinding> {
  const bindings = new Map<string, EnvBinding>();
  const visit = (shape: Shape, parent: readonly string[], secret: boolean): void => {
    for (const [key, schema] of Object.entries(shape)) {
      const path = [...parent, key];
      const isSecret = secret || isSecretSchema(schema);
      const base = baseOf(schema);
      if (base instanceof ObjectSchema) {
        visit(base.shape, path, isSecret);
        continue;
      }
      const name = envVarName(path, prefix);
      if (reserved.includes(name)) {
        throw new TypeError(`config key "${path.join('.')}" would use the reserved variable ${name}`);
      }
      const clash = bindings.get(name);
      if (clash !== undefined) {
        throw new TypeError(
          `config keys "${clash.path.join('.')}" and "${path.join('.')}" both map to ${name}`,
        );
      }
      bindings.set(name, Object.freeze({ name, path: Object.freeze(path), schema, secret: isSecret }));
    }
  };
  visit(root.shape, [], isSecretSchema(root));
  return bindings;
}

/** One value read from the environment, ready to overlay on the config. */
export interface EnvValue {
  /** The binding it came from. */
  readonly binding: EnvBinding;
  /** The raw value to validate; `null` (from an empty variable) means "unset this key". */
  readonly value: unknown;
}

/**
 * Reads the bound variables that are set in `env`. An empty variable unsets the key, so its
 * default applies again; other text is converted by the key's schema (`"8080"` → `8080`).
 * Variables with the prefix that match no key are ignored: orchestrators inject such names
 * (Kubernetes adds `SIGNET_SERVICE_HOST` for a Service named `signet`).
 */
export function readEnv(
  bindings: ReadonlyMap<string, EnvBinding>,
  env: Readonly<Record<string, string | undefined>>,
): EnvValue[] {
  const values: EnvValue[] = [];
  for (const binding of bindings.values()) {
    const raw = env[binding.name];
    if (raw === undefined) continue;
    values.push({ binding, value: raw === '' ? null : binding.schema.fromEnv(raw) });
  }
  return values;
}
