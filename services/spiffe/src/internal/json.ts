/**
 * A strict JSON reader (RFC 8259) for untrusted documents: tokens, bundles.
 *
 * Compared with `JSON.parse` it rejects duplicate member names (SPIFFE Trust Domain and Bundle
 * §6.3, RFC 7515 §5.2), bounds nesting depth, and can return integer literals that do not fit a
 * double exactly as `bigint` instead of rounding them (needed for `spiffe_sequence`, §4.1.1).
 * @internal
 */

type ErrorCtor = new (message: string) => Error;

/** Options of {@link readJson}. */
export interface ReadJsonOptions {
  /** Error class thrown for malformed input. */
  readonly Err: ErrorCtor;
  /** What is being parsed, used as the message prefix, e.g. `jwtsvid: header`. */
  readonly what: string;
  /** Deepest nesting of arrays and objects accepted. Default 32. */
  readonly maxDepth?: number;
  /** When true, integer literals beyond ±(2^53 − 1) are returned as `bigint`. Default false. */
  readonly bigIntegers?: boolean;
}

/** A JSON object as read by {@link readJson}. */
export type JsonObject = Record<string, unknown>;

const MAX_NUMBER_LITERAL = 512;
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses one JSON text. `input` may be a string or UTF-8 bytes (invalid UTF-8 is an error).
 * Throws `options.Err` with a message naming the offset and the rule broken.
 */
export function readJson(input: string | Uint8Array, options: ReadJsonOptions): unknown {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch {
      throw new options.Err(`${options.what} is not valid UTF-8`);
    }
  }
  return new Reader(text, options).document();
}

/** True when `v` is a JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Reader {
  readonly #s: string;
  readonly #o: ReadJsonOptions;
  readonly #maxDepth: number;
  #i = 0;

  constructor(s: string, o: ReadJsonOptions) {
    this.#s = s;
    this.#o = o;
    this.#maxDepth = o.maxDepth ?? 32;
  }

  document(): unknown {
    this.#ws();
    const v = this.#value(0);
    this.#ws();
    if (this.#i !== this.#s.length) this.#fail('unexpected data after the JSON value');
    return v;
  }

  #fail(msg: string): never {
    throw new this.#o.Err(`${this.#o.what} is not valid JSON: ${msg} at offset ${this.#i}`);
  }

  #ws(): void {
    const s = this.#s;
    let i = this.#i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.#i = i;
  }

  #value(depth: number): unknown {
    const c = this.#s.charCodeAt(this.#i);
    if (c === 0x22) return this.#string();
    if (c === 0x7b) return this.#object(depth + 1);
    if (c === 0x5b) return this.#array(depth + 1);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#number();
    if (c === 0x74) return this.#literal('true', true);
    if (c === 0x66) return this.#literal('false', false);
    if (c === 0x6e) return this.#literal('null', null);
    return this.#fail(Number.isNaN(c) ? 'unexpected end of input' : 'unexpected character');
  }

  #literal<T>(word: string, v: T): T {
    if (!this.#s.startsWith(word, this.#i)) this.#fail('unexpected character');
    this.#i += word.length;
    return v;
  }

  #object(depth: number): Record<string, unknown> {
    if (depth > this.#maxDepth) this.#fail(`nesting deeper than ${this.#maxDepth} levels`);
    const obj: Record<string, unknown> = {};
    this.#i++;
    this.#ws();
    if (this.#s.charCodeAt(this.#i) === 0x7d) {
      this.#i++;
      return obj;
    }
    for (;;) {
      if (this.#s.charCodeAt(this.#i) !== 0x22) this.#fail('expected a member name');
      const at = this.#i;
      const key = this.#string();
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        this.#i = at;
        this.#fail(`duplicate member name ${JSON.stringify(key)}`);
      }
      this.#ws();
      if (this.#s.charCodeAt(this.#i) !== 0x3a) this.#fail('expected ":"');
      this.#i++;
      this.#ws();
      const v = this.#value(depth);
      // Plain assignment to "__proto__" would replace the prototype instead of adding a member.
      if (key === '__proto__') Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
      else obj[key] = v;
      this.#ws();
      const c = this.#s.charCodeAt(this.#i++);
      if (c === 0x7d) return obj;
      if (c !== 0x2c) {
        this.#i--;
        this.#fail('expected "," or "}"');
      }
      this.#ws();
    }
  }

  #array(depth: number): unknown[] {
    if (depth > this.#maxDepth) this.#fail(`nesting deeper than ${this.#maxDepth} levels`);
    const arr: unknown[] = [];
    this.#i++;
    this.#ws();
    if (this.#s.charCodeAt(this.#i) === 0x5d) {
      this.#i++;
      return arr;
    }
    for (;;) {
      arr.push(this.#value(depth));
      this.#ws();
      const c = this.#s.charCodeAt(this.#i++);
      if (c === 0x5d) return arr;
      if (c !== 0x2c) {
        this.#i--;
        this.#fail('expected "," or "]"');
      }
      this.#ws();
    }
  }

  #string(): string {
    const s = this.#s;
    let i = this.#i + 1;
    let start = i;
    let out = '';
    for (;;) {
      if (i >= s.length) {
        this.#i = i;
        this.#fail('unterminated string');
      }
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.#i = i + 1;
        return out + s.slice(start, i);
      }
      if (c < 0x20) {
        this.#i = i;
        this.#fail('unescaped control character in a string');
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += s.slice(start, i);
      const e = s.charAt(i + 1);
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        this.#i = i;
        this.#fail('invalid escape sequence');
      }
      start = i;
    }
  }

  #number(): number | bigint {
    NUMBER.lastIndex = this.#i;
    const m = NUMBER.exec(this.#s);
    if (m === null) return this.#fail('invalid number');
    const lit = m[0];
    if (lit.length > MAX_NUMBER_LITERAL) this.#fail(`number literal longer than ${MAX_NUMBER_LITERAL} characters`);
    this.#i += lit.length;
    const n = Number(lit);
    if (this.#o.bigIntegers === true && m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(n)) {
      return BigInt(lit);
    }
    if (!Number.isFinite(n)) this.#fail('number out of range');
    return n;
  }
}
