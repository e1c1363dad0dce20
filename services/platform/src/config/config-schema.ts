/**
 * The root schema of the Signet config file, composed from sections so that each service
 * adds its own (`ca`, `registrar`, …) next to the shared ones.
 * @module
 */
import { deriveEnvBindings, type EnvBinding } from './env.js';
import { ObjectSchema, type ObjectOutput, type Schema, type Shape } from './schema/index.js';

/** Intersection of the shapes in a tuple, used to type a root built from several parts. */
export type MergeShapes<P extends readonly Shape[]> = P extends readonly [
  infer Head extends Shape,
  ...infer Rest extends readonly Shape[],
]
  ? Head & MergeShapes<Rest>
  : {};

/** The typed config a {@link ConfigSchema} produces. */
export type ConfigOf<C> = C extends ConfigSchema<infer S> ? ObjectOutput<S> : never;

/**
 * The root of a config file: an object schema whose top-level keys are sections, plus the
 * environment variables derived from it. Building one checks that no two keys map to the
 * same variable, so a clash is found when the program starts, not when a variable is set.
 *
 * @example
 * ```ts
 * const schema = configSchema(
 *   coreSections({ checkTrustDomain: (v) => void TrustDomain.parse(v) }),
 *   defineSection('ca', s.object({ x509_svid_ttl: s.duration().default(3_600_000) })),
 * );
 * type Config = ConfigOf<typeof schema>;
 * ```
 */
export class ConfigSchema<S extends Shape> {
  /** The object schema of the whole file. */
  readonly root: ObjectSchema<S>;
  /** Every environment variable that can set a key, by variable name. */
  readonly env: ReadonlyMap<string, EnvBinding>;
  /** The variable prefix, `SIGNET` unless configured otherwise. */
  readonly envPrefix: string;

  constructor(shape: S, options: { readonly envPrefix?: string } = {}) {
    this.root = new ObjectSchema(shape);
    this.envPrefix = options.envPrefix ?? 'SIGNET';
    this.env = deriveEnvBindings(this.root as unknown as ObjectSchema<Shape>, this.envPrefix);
  }

  /** The section names, in declaration order. */
  get sections(): readonly string[] {
    return Object.keys(this.root.shape);
  }

  /** A new root with more sections; throws a `TypeError` if a section name is taken. */
  extend<P extends readonly Shape[]>(...parts: P): ConfigSchema<S & MergeShapes<P>> {
    return new ConfigSchema(mergeParts([this.root.shape, ...parts]) as S & MergeShapes<P>, {
      envPrefix: this.envPrefix,
    });
  }
}

/**
 * Builds a root schema from section maps (each usually made by {@link defineSection} or a
 * helper such as `coreSections()`). Throws a `TypeError` when two parts define the same
 * section or two keys map to the same environment variable.
 */
export function configSchema<P extends readonly Shape[]>(...parts: P): ConfigSchema<MergeShapes<P>> {
  return new ConfigSchema(mergeParts(parts) as MergeShapes<P>);
}

/**
 * One named section of the config file, for {@link configSchema}.
 *
 * @example
 * ```ts
 * const registrar = defineSection('registrar', s.object({ port: s.int({ min: 0, max: 65535 }).default(8081) }));
 * ```
 */
export function defineSection<N extends string, T extends Schema<unknown>>(
  name: N,
  schema: T,
): { readonly [K in N]: T } {
  return { [name]: schema } as { readonly [K in N]: T };
}

function mergeParts(parts: readonly Shape[]): Shape {
  const merged: Record<string, Schema<unknown>> = {};
  for (const part of parts) {
    for (const [name, schema] of Object.entries(part)) {
      if (Object.hasOwn(merged, name)) throw new TypeError(`config section "${name}" is defined twice`);
      merged[name] = schema;
    }
  }
  return merged;
}
