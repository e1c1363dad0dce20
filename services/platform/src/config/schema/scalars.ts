/**
 * Scalar config schemas: strings, integers, booleans, enumerations and URLs.
 * @module
 */
import { suggest } from '../did-you-mean.js';
import { Schema, type Invalid, type ParseContext, type Path } from './schema.js';

/** Options of {@link string}. */
export interface StringOptions {
  /** Minimum length in characters (default 0). */
  readonly minLength?: number;
  /** Maximum length in characters. */
  readonly maxLength?: number;
  /** A pattern the whole value must match. */
  readonly pattern?: RegExp;
  /** How to describe the pattern in messages, e.g. `a lowercase name`. */
  readonly description?: string;
}

/** A string value. */
export class StringSchema extends Schema<string> {
  constructor(private readonly options: StringOptions = {}) {
    super();
  }
  get expected(): string {
    const { description, minLength, maxLength } = this.options;
    if (description !== undefined) return description;
    if (minLength !== undefined && maxLength !== undefined) {
      return `a string of ${minLength} to ${maxLength} characters`;
    }
    if (minLength === 1) return 'a non-empty string';
    if (minLength !== undefined) return `a string of at least ${minLength} characters`;
    if (maxLength !== undefined) return `a string of at most ${maxLength} characters`;
    return 'a string';
  }
  parsePresent(value: unknown, path: Path, ctx: ParseContext): string | Invalid {
    if (typeof value !== 'string') return ctx.expected(path, this.expected, value);
    const { minLength = 0, maxLength = Infinity, pattern } = this.options;
    if (value.length < minLength || value.length > maxLength) {
      return ctx.expected(path, this.expected, value);
    }
    if (pattern !== undefined && !fullMatch(pattern, value)) {
      return ctx.expected(path, this.expected, value);
    }
    return value;
  }
}

function fullMatch(pattern: RegExp, value: string): boolean {
  const anchored = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''));
  return anchored.test(value);
}

/** Options of {@link int}. */
export interface IntOptions {
  /** Smallest accepted value, inclusive. */
  readonly min?: number;
  /** Largest accepted value, inclusive. */
  readonly max?: number;
}

/** A whole number, optionally bounded. Environment values must be decimal digits. */
export class IntSchema extends Schema<number> {
  constructor(private readonly options: IntOptions = {}) {
    super();
  }
  get expected(): string {
    const { min, max } = this.options;
    if (min !== undefined && max !== undefined) return `an integer from ${min} to ${max}`;
    if (min !== undefined) return `an integer of at least ${min}`;
    if (max !== undefined) return `an integer of at most ${max}`;
    return 'an integer';
  }
  parsePresent(value: unknown, path: Path, ctx: ParseContext): number | Invalid {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      return ctx.expected(path, this.expected, value);
    }
    const { min = -Infinity, max = Infinity } = this.options;
    if (value < min || value > max) return ctx.expected(path, this.expected, value);
    return value;
  }
  override fromEnv(raw: string): unknown {
    const text = raw.trim();
    return /^[+-]?\d+$/.test(text) ? Number(text) : raw;
  }
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/**
 * A boolean. In the file it must be a YAML boolean (`true`/`false`); environment values also
 * accept `1`/`0`, `yes`/`no` and `on`/`off`, in any case.
 */
export class BoolSchema extends Schema<boolean> {
  get expected(): string {
    return 'true or false';
  }
  parsePresent(value: unknown, path: Path, ctx: ParseContext): boolean | Invalid {
    return typeof value === 'boolean' ? value : ctx.expected(path, this.expected, value);
  }
  override fromEnv(raw: string): unknown {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return raw;
  }
}

/** One of a fixed set of strings; near misses get a "did you mean" hint. */
export class EnumSchema<V extends string> extends Schema<V> {
  readonly values: readonly V[];
  constructor(values: readonly V[]) {
    super();
    if (values.length === 0) throw new TypeError('enum schema needs at least one value');
    this.values = Object.freeze([...values]);
  }
  get expected(): string {
    const quoted = this.values.map((v) => JSON.stringify(v));
    return quoted.length === 1 ? (quoted[0] as string) : `one of ${quoted.join(', ')}`;
  }
  parsePresent(value: unknown, path: Path, ctx: ParseContext): V | Invalid {
    if (typeof value === 'string' && (this.values as readonly string[]).includes(value)) {
      return value as V;
    }
    if (typeof value === 'string') {
      const hint = suggest(value, this.values);
      if (hint !== undefined) {
        return ctx.report(path, `expected ${this.expected}, got ${ctx.describe(value)} (did you mean "${hint}"?)`);
      }
    }
    return ctx.expected(path, this.expected, value);
  }
}

/** Options of {@link url}. */
export interface UrlOptions {
  /** Accepted schemes with their colon, e.g. `['http:', 'https:']`; any scheme when omitted. */
  readonly protocols?: readonly string[];
}

/**
 * An absolute network URL (`scheme://host…`), kept as the string written so that it can be
 * handed to drivers unchanged.
 */
export class UrlSchema extends Schema<string> {
  constructor(private readonly options: UrlOptions = {}) {
    super();
  }
  get expected(): string {
    const { protocols } = this.options;
    if (protocols === undefined || protocols.length === 0) return 'an absolute URL such as "https://host:port"';
    const schemes = protocols.map((p) => `${p.replace(/:$/, '')}://`);
    return `a URL starting with ${schemes.join(' or ')}`;
  }
  parsePresent(value: unknown, path: Path, ctx: ParseContext): string | Invalid {
    if (typeof value !== 'string') return ctx.expected(path, this.expected, value);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return ctx.expected(path, this.expected, value);
    }
    // `localhost:4318` parses as scheme "localhost:"; a network URL needs "//" and a host.
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || parsed.host === '') {
      return ctx.expected(path, this.expected, value);
    }
    const { protocols } = this.options;
    if (protocols !== undefined && protocols.length > 0 && !protocols.includes(parsed.protocol)) {
      return ctx.expected(path, this.expected, value);
    }
    return value;
  }
}
