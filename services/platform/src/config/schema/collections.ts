/**
 * Collection config schemas: lists and string-keyed maps.
 * @module
 */
import { INVALID, Schema, type Invalid, type ParseContext, type Path } from './schema.js';

/** Options of {@link ListSchema}. */
export interface ListOptions {
  /** Fewest items accepted. */
  readonly minItems?: number;
  /** Most items accepted. */
  readonly maxItems?: number;
}

/**
 * A list of values of one schema. From an environment variable it is either a JSON array
 * (`["a","b"]`) or comma-separated items (`a, b`), each item read as its own variable would be.
 */
export class ListSchema<T> extends Schema<readonly T[]> {
  constructor(
    readonly item: Schema<T>,
    private readonly options: ListOptions = {},
  ) {
    super();
  }
  get expected(): string {
    const { minItems, maxItems } = this.options;
    const base = `a list of ${this.item.expected}`;
    if (minItems !== undefined && maxItems !== undefined) return `${base} (${minItems} to ${maxItems} items)`;
    if (minItems !== undefined) return `${base} (at least ${minItems})`;
    if (maxItems !== undefined) return `${base} (at most ${maxItems})`;
    return base;
  }
  parsePresent(value: unknown, path: Path, ctx: ParseContext): readonly T[] | Invalid {
    if (!Array.isArray(value)) return ctx.expected(path, this.expected, value);
    const { minItems = 0, maxItems = Infinity } = this.options;
    if (value.length < minItems || value.length > maxItems) {
      return ctx.report(path, `expected ${this.expected}, got ${value.length} items`);
    }
    const out: T[] = [];
    let failed = false;
    value.forEach((element: unknown, index) => {
      const parsed = this.item.parse(element, [...path, index], ctx);
      if (parsed === INVALID) failed = true;
      else out.push(parsed);
    });
    return failed ? INVALID : Object.freeze(out);
  }
  override fromEnv(raw: string): unknown {
    const text = raw.trim();
    if (text.startsWith('[')) return parseJson(text) ?? raw;
    if (text === '') return [];
    return text.split(',').map((part) => this.item.fromEnv(part.trim()));
  }
}

/** Options of {@link RecordSchema}. */
export interface RecordOptions {
  /** A pattern every key must match. */
  readonly keyPattern?: RegExp;
  /** How to describe the key pattern in messages. */
  readonly keyDescription?: string;
}

/**
 * A mapping from free-form string keys to values of one schema (e.g. HTTP headers).
 * From an environment variable it is either a JSON object or `key=value` pairs separated by
 * commas, values percent-decoded (`team=a%2Cb,env=prod`), the form OpenTelemetry uses.
 */
export class RecordSchema<T> extends Schema<Readonly<Record<string, T>>> {
  constructor(
    readonly value: Schema<T>,
    private readonly options: RecordOptions = {},
  ) {
    super();
  }
  get expected(): string {
    return `a mapping of names to ${this.value.expected}`;
  }
  parsePresent(input: unknown, path: Path, ctx: ParseContext): Readonly<Record<string, T>> | Invalid {
    if (!isPlainObject(input)) return ctx.expected(path, this.expected, input);
    const out: Record<string, T> = {};
    let failed = false;
    const { keyPattern, keyDescription = 'a name matching the allowed pattern' } = this.options;
    for (const [key, element] of Object.entries(input)) {
      if (keyPattern !== undefined && !new RegExp(`^(?:${keyPattern.source})$`).test(key)) {
        ctx.report([...path, key], `expected the key to be ${keyDescription}, got ${JSON.stringify(key)}`);
        failed = true;
        continue;
      }
      const parsed = this.value.parse(element, [...path, key], ctx);
      if (parsed === INVALID) failed = true;
      else out[key] = parsed;
    }
    return failed ? INVALID : Object.freeze(out);
  }
  override fromEnv(raw: string): unknown {
    const text = raw.trim();
    if (text.startsWith('{')) return parseJson(text) ?? raw;
    const out: Record<string, unknown> = {};
    if (text === '') return out;
    for (const pair of text.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) return raw;
      const key = pair.slice(0, eq).trim();
      out[key] = this.value.fromEnv(decode(pair.slice(eq + 1).trim()));
    }
    return out;
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether `value` is a plain mapping (not a list, date or class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
