/**
 * The base of the config schema DSL: {@link Schema}, the parse context that collects every
 * problem at once, and the wrappers every schema gets (`optional`, `default`, `refine`,
 * `transform`, `secret`).
 * @module
 */
import { describeValue } from './describe.js';

/** A key path inside the config: section and key names, and list indexes. */
export type Path = readonly (string | number)[];

/** One validation problem found while parsing, before it is tied to a source. */
export interface Issue {
  /** Where in the config the problem is. */
  readonly path: Path;
  /** What is wrong, e.g. `expected an integer from 0 to 65535, got "abc"`. */
  readonly message: string;
}

/** Marker returned by a parse step that reported an issue instead of producing a value. */
export const INVALID: unique symbol = Symbol('signet.config.invalid');

/** The type of {@link INVALID}. */
export type Invalid = typeof INVALID;

/**
 * Collects the issues of one parse so that every problem is reported at once.
 * Schemas never throw on bad input; they report here and return {@link INVALID}.
 */
export class ParseContext {
  readonly #issues: Issue[] = [];
  #secretDepth = 0;

  /** Every issue reported so far, in the order found. */
  get issues(): readonly Issue[] {
    return this.#issues;
  }

  /** Records an issue with a free-form message and returns {@link INVALID}. */
  report(path: Path, message: string): Invalid {
    this.#issues.push({ path, message });
    return INVALID;
  }

  /** Records `expected <expected>, got <value>`; secret values are not echoed. */
  expected(path: Path, expected: string, got: unknown): Invalid {
    return this.report(path, `expected ${expected}, got ${this.describe(got)}`);
  }

  /** Renders a value for a message, hiding it when inside a secret field. */
  describe(value: unknown): string {
    return this.#secretDepth > 0 ? 'a value (hidden: secret field)' : describeValue(value);
  }

  /** Runs `fn` with values hidden from messages. */
  inSecret<T>(fn: () => T): T {
    this.#secretDepth++;
    try {
      return fn();
    } finally {
      this.#secretDepth--;
    }
  }
}

/**
 * A custom check added with {@link Schema.refine}. Return nothing when the value is fine;
 * return a reason (`"expected a SPIFFE ID"`) or throw an `Error` when it is not. Throwing lets
 * existing parsers such as `TrustDomain.parse` be plugged in directly.
 */
export type Refinement<T> = (value: T) => string | undefined | void;

/** The value type a schema produces. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/**
 * A typed description of one config value: how to validate it, how to read it from an
 * environment variable, and what it produces. Build schemas with the `s` helpers
 * (`s.int()`, `s.object({...})`); the static type flows to {@link Infer}.
 *
 * @example
 * ```ts
 * const port = s.int({ min: 0, max: 65535 }).default(0);
 * type Port = Infer<typeof port>; // number
 * ```
 */
export abstract class Schema<T> {
  /** Phantom field carrying the output type; never set at run time. */
  declare readonly __output: T;

  /** The phrase used after "expected" in messages, e.g. `an integer from 0 to 65535`. */
  abstract get expected(): string;

  /** Validates a value that is present (neither `undefined` nor `null`). */
  abstract parsePresent(value: unknown, path: Path, ctx: ParseContext): T | Invalid;

  /** What an absent key yields; by default it is a "missing required key" issue. */
  parseAbsent(path: Path, ctx: ParseContext): T | Invalid {
    return ctx.report(path, `missing required key, expected ${this.expected}`);
  }

  /** Validates any value; `undefined` and `null` (an empty YAML value) mean "absent". */
  parse(value: unknown, path: Path, ctx: ParseContext): T | Invalid {
    return value === undefined || value === null
      ? this.parseAbsent(path, ctx)
      : this.parsePresent(value, path, ctx);
  }

  /**
   * Turns the text of an environment variable (or a string CLI override) into the raw value
   * to validate. The default keeps the string; numbers, booleans and collections convert.
   */
  fromEnv(raw: string): unknown {
    return raw;
  }

  /** Whether the value must never appear in messages or logs (see {@link Schema.secret}). */
  get isSecret(): boolean {
    return false;
  }

  /** The schema this one wraps, or itself for a base schema. */
  get inner(): Schema<unknown> {
    return this;
  }

  /** Makes the key optional: absent yields `undefined`. */
  optional(): Schema<T | undefined> {
    return new OptionalSchema(this);
  }

  /** Makes the key optional with a default value used when it is absent. */
  default(value: T): Schema<T> {
    return new DefaultSchema(this, value);
  }

  /** Adds a custom check run after the built-in validation (see {@link Refinement}). */
  refine(check: Refinement<T>): Schema<T> {
    return new RefinedSchema(this, check);
  }

  /**
   * Maps the validated value to another type, e.g. a parsed domain object. If `fn` throws,
   * its message becomes the problem reported for the key.
   */
  transform<U>(fn: (value: T) => U): Schema<U> {
    return new TransformSchema(this, fn);
  }

  /** Marks the value as secret: it is never echoed in messages and is listed by `collectSecrets`. */
  secret(): Schema<T> {
    return new SecretSchema(this);
  }
}

/** Follows wrappers down to the base schema (object, string, list, …). */
export function baseOf(schema: Schema<unknown>): Schema<unknown> {
  let current = schema;
  while (current.inner !== current) current = current.inner;
  return current;
}

/** Whether any wrapper around the base schema marks it secret. */
export function isSecretSchema(schema: Schema<unknown>): boolean {
  let current = schema;
  for (;;) {
    if (current.isSecret) return true;
    if (current.inner === current) return false;
    current = current.inner;
  }
}

abstract class WrapperSchema<T, I> extends Schema<T> {
  constructor(protected readonly wrapped: Schema<I>) {
    super();
  }
  override get inner(): Schema<unknown> {
    return this.wrapped;
  }
  get expected(): string {
    return this.wrapped.expected;
  }
  override fromEnv(raw: string): unknown {
    return this.wrapped.fromEnv(raw);
  }
}

class OptionalSchema<T> extends WrapperSchema<T | undefined, T> {
  parsePresent(value: unknown, path: Path, ctx: ParseContext): T | undefined | Invalid {
    return this.wrapped.parsePresent(value, path, ctx);
  }
  override parseAbsent(): T | undefined {
    return undefined;
  }
}

class DefaultSchema<T> extends WrapperSchema<T, T> {
  constructor(
    wrapped: Schema<T>,
    private readonly fallback: T,
  ) {
    super(wrapped);
  }
  parsePresent(value: unknown, path: Path, ctx: ParseContext): T | Invalid {
    return this.wrapped.parsePresent(value, path, ctx);
  }
  override parseAbsent(): T {
    return typeof this.fallback === 'object' && this.fallback !== null
      ? Object.freeze(structuredClone(this.fallback))
      : this.fallback;
  }
}

class RefinedSchema<T> extends WrapperSchema<T, T> {
  constructor(
    wrapped: Schema<T>,
    private readonly check: Refinement<T>,
  ) {
    super(wrapped);
  }
  parsePresent(value: unknown, path: Path, ctx: ParseContext): T | Invalid {
    return this.#apply(this.wrapped.parsePresent(value, path, ctx), value, path, ctx);
  }
  override parseAbsent(path: Path, ctx: ParseContext): T | Invalid {
    const result = this.wrapped.parseAbsent(path, ctx);
    return result === undefined ? result : this.#apply(result, result, path, ctx);
  }
  #apply(result: T | Invalid, raw: unknown, path: Path, ctx: ParseContext): T | Invalid {
    if (result === INVALID) return INVALID;
    let reason: string | undefined | void;
    try {
      reason = this.check(result);
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    return reason === undefined ? result : ctx.report(path, `${reason}, got ${ctx.describe(raw)}`);
  }
}

class TransformSchema<T, U> extends WrapperSchema<U, T> {
  constructor(
    wrapped: Schema<T>,
    private readonly fn: (value: T) => U,
  ) {
    super(wrapped);
  }
  parsePresent(value: unknown, path: Path, ctx: ParseContext): U | Invalid {
    return this.#apply(this.wrapped.parsePresent(value, path, ctx), value, path, ctx);
  }
  override parseAbsent(path: Path, ctx: ParseContext): U | Invalid {
    const result = this.wrapped.parseAbsent(path, ctx);
    return this.#apply(result, result, path, ctx);
  }
  #apply(result: T | Invalid, raw: unknown, path: Path, ctx: ParseContext): U | Invalid {
    if (result === INVALID) return INVALID;
    try {
      return this.fn(result);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return ctx.report(path, `${reason}, got ${ctx.describe(raw)}`);
    }
  }
}

class SecretSchema<T> extends WrapperSchema<T, T> {
  override get isSecret(): boolean {
    return true;
  }
  parsePresent(value: unknown, path: Path, ctx: ParseContext): T | Invalid {
    return ctx.inSecret(() => this.wrapped.parsePresent(value, path, ctx));
  }
  override parseAbsent(path: Path, ctx: ParseContext): T | Invalid {
    return ctx.inSecret(() => this.wrapped.parseAbsent(path, ctx));
  }
}
