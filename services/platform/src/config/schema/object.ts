/**
 * Object config schemas: a fixed set of keys, each with its own schema. Unknown keys are
 * errors, with a "did you mean" hint for near misses.
 * @module
 */
import { suggest } from '../did-you-mean.js';
import { isPlainObject } from './collections.js';
import { INVALID, Schema, type Infer, type Invalid, type ParseContext, type Path } from './schema.js';

/** The keys of an object schema and the schema of each. */
export type Shape = { readonly [key: string]: Schema<unknown> };

type OptionalKeys<S extends Shape> = {
  [K in keyof S]: undefined extends Infer<S[K]> ? K : never;
}[keyof S];

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The value an object schema produces: keys whose schema may yield `undefined` become optional.
 */
export type ObjectOutput<S extends Shape> = Simplify<
  { readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
    readonly [K in OptionalKeys<S>]?: Infer<S[K]>;
  }
>;

const KEY_NAME = /^[a-z][a-z0-9_]*$/;
const MAX_LISTED_KEYS = 12;

/**
 * A mapping with known keys. An absent object is parsed as an empty one, so the defaults of
 * its keys apply and its required keys are reported missing; wrap it in `.optional()` to let
 * the whole object be absent instead. Key names must be snake_case (`[a-z][a-z0-9_]*`) so
 * that environment variable names can be derived from them.
 */
export class ObjectSchema<S extends Shape> extends Schema<ObjectOutput<S>> {
  readonly shape: S;

  constructor(shape: S) {
    super();
    for (const key of Object.keys(shape)) {
      if (!KEY_NAME.test(key)) {
        throw new TypeError(`config key "${key}" must be snake_case ([a-z][a-z0-9_]*)`);
      }
    }
    this.shape = Object.freeze({ ...shape });
  }

  get expected(): string {
    return 'a mapping';
  }

  override parseAbsent(path: Path, ctx: ParseContext): ObjectOutput<S> | Invalid {
    return this.parsePresent({}, path, ctx);
  }

  parsePresent(value: unknown, path: Path, ctx: ParseContext): ObjectOutput<S> | Invalid {
    if (!isPlainObject(value)) return ctx.expected(path, this.expected, value);
    const out: Record<string, unknown> = {};
    let failed = false;
    const known = Object.keys(this.shape);
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(this.shape, key)) {
        ctx.report([...path, key], unknownKeyMessage(key, known));
        failed = true;
      }
    }
    for (const key of known) {
      const schema = this.shape[key] as Schema<unknown>;
      const parsed = schema.parse(value[key], [...path, key], ctx);
      if (parsed === INVALID) failed = true;
      else if (parsed !== undefined) out[key] = parsed;
    }
    return failed ? INVALID : (Object.freeze(out) as ObjectOutput<S>);
  }
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const hint = suggest(key, known);
  if (hint !== undefined) return `unknown key (did you mean "${hint}"?)`;
  if (known.length === 0) return 'unknown key (no keys are allowed here)';
  if (known.length <= MAX_LISTED_KEYS) return `unknown key (expected one of: ${known.join(', ')})`;
  return 'unknown key';
}
