/**
 * A strict DER reader (X.690 §10) for the subset of ASN.1 that X.509 and PKCS#10 use: single-byte
 * tags, definite minimal lengths, no indefinite form. Every failure goes through the caller's
 * `fail` function with the dotted path of the field being read, so errors name what is wrong
 * (`certificate.tbsCertificate.validity: expected SEQUENCE, found INTEGER`). @internal
 */
import { tagName } from './tags.js';

/** Throws the caller's domain error. Must not return. */
export type Fail = (message: string) => never;

/** One decoded element: its tag, its whole encoding and its contents octets (views on the input). */
export interface Tlv {
  readonly tag: number;
  readonly raw: Uint8Array;
  readonly value: Uint8Array;
}

/** Reads consecutive elements from a byte range, left to right. */
export class DerReader {
  readonly #buf: Uint8Array;
  readonly #end: number;
  readonly #fail: Fail;
  readonly #path: string;
  #pos: number;

  /** A reader over all of `buf`; `path` names the enclosing structure in error messages. */
  constructor(buf: Uint8Array, fail: Fail, path: string) {
    this.#buf = buf;
    this.#pos = 0;
    this.#end = buf.byteLength;
    this.#fail = fail;
    this.#path = path;
  }

  /** The path this reader reports errors under. */
  get path(): string {
    return this.#path;
  }

  /** Fails with `message`, prefixed by this reader's path and `field`. */
  fail(field: string, message: string): never {
    return this.#fail(`${this.#path}${field ? `.${field}` : ''}: ${message}`);
  }

  /** True when every element has been read. */
  atEnd(): boolean {
    return this.#pos >= this.#end;
  }

  /** The tag of the next element, or -1 at the end. */
  peekTag(): number {
    return this.#pos < this.#end ? this.#buf[this.#pos]! : -1;
  }

  /** Reads the next element, whatever its tag. */
  next(field: string): Tlv {
    const buf = this.#buf;
    const start = this.#pos;
    if (start >= this.#end) this.fail(field, 'missing (end of data)');
    const tag = buf[start]!;
    if ((tag & 0x1f) === 0x1f) this.fail(field, `multi-byte tags are not supported (tag 0x${tag.toString(16)})`);
    if (start + 1 >= this.#end) this.fail(field, 'truncated length');
    let len = buf[start + 1]!;
    let hdr = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) this.fail(field, 'indefinite length is not allowed in DER');
      if (n > 4) this.fail(field, `length of ${n} octets is too large`);
      if (start + 2 + n > this.#end) this.fail(field, 'truncated length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[start + 2 + i]!;
      if (buf[start + 2] === 0 || len < 0x80) this.fail(field, 'length is not minimally encoded (DER)');
      hdr += n;
    }
    const valueStart = start + hdr;
    const end = valueStart + len;
    if (end > this.#end) this.fail(field, `truncated: ${len} content octets declared, ${this.#end - valueStart} present`);
    this.#pos = end;
    return { tag, raw: buf.subarray(start, end), value: buf.subarray(valueStart, end) };
  }

  /** Reads the next element and checks its tag. */
  read(tag: number, field: string): Tlv {
    const actual = this.peekTag();
    if (actual !== tag) {
      this.fail(field, actual === -1 ? `missing ${tagName(tag)}` : `expected ${tagName(tag)}, found ${tagName(actual)}`);
    }
    return this.next(field);
  }

  /** Reads the next element if it has `tag`; otherwise reads nothing. */
  optional(tag: number, field: string): Tlv | undefined {
    return this.peekTag() === tag ? this.next(field) : undefined;
  }

  /** Reads a constructed element with `tag` and returns a reader over its contents. */
  enter(tag: number, field: string): DerReader {
    const tlv = this.read(tag, field);
    return this.sub(tlv.value, field);
  }

  /** A reader over `bytes` (contents of an element read here), reporting errors under `field`. */
  sub(bytes: Uint8Array, field: string): DerReader {
    return new DerReader(bytes, this.#fail, field ? `${this.#path}.${field}` : this.#path);
  }

  /** Fails unless every element has been read. */
  expectEnd(): void {
    if (!this.atEnd()) this.fail('', `unexpected trailing data (${tagName(this.peekTag())})`);
  }
}

/** Reads exactly one element spanning all of `buf` (no trailing bytes). */
export function readSingle(buf: Uint8Array, tag: number, fail: Fail, path: string): Tlv {
  const r = new DerReader(buf, fail, path);
  const tlv = r.read(tag, '');
  if (!r.atEnd()) fail(`${path}: unexpected data after the end of the structure`);
  return tlv;
}

/** Decodes OBJECT IDENTIFIER contents to dotted form (`1.2.840.10045.2.1`), rejecting non-minimal arcs. */
export function decodeOid(value: Uint8Array, fail: Fail, path: string): string {
  if (value.byteLength === 0) fail(`${path}: empty OBJECT IDENTIFIER`);
  const arcs: number[] = [];
  let acc = 0;
  let inArc = false;
  for (let i = 0; i < value.byteLength; i++) {
    const b = value[i]!;
    if (!inArc && b === 0x80) fail(`${path}: OBJECT IDENTIFIER arc is not minimally encoded`);
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER) fail(`${path}: OBJECT IDENTIFIER arc is too large`);
    inArc = (b & 0x80) !== 0;
    if (!inArc) {
      if (arcs.length === 0) {
        const first = acc < 40 ? 0 : acc < 80 ? 1 : 2;
        arcs.push(first, acc - first * 40);
      } else arcs.push(acc);
      acc = 0;
    }
  }
  if (inArc) fail(`${path}: OBJECT IDENTIFIER ends inside an arc`);
  return arcs.join('.');
}

/** Checks INTEGER contents are minimal (X.690 §8.3.2) and returns them unchanged (two's complement). */
export function checkInteger(value: Uint8Array, fail: Fail, path: string): Uint8Array {
  if (value.byteLength === 0) fail(`${path}: empty INTEGER`);
  if (value.byteLength > 1) {
    const a = value[0]!;
    const b = value[1]!;
    if ((a === 0x00 && b < 0x80) || (a === 0xff && b >= 0x80)) fail(`${path}: INTEGER is not minimally encoded`);
  }
  return value;
}

/** Decodes a small non-negative INTEGER (version numbers, path lengths). */
export function decodeSmallUint(value: Uint8Array, fail: Fail, path: string): number {
  checkInteger(value, fail, path);
  if (value[0]! & 0x80) fail(`${path}: must not be negative`);
  if (value.byteLength > 4) fail(`${path}: value is too large`);
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return n;
}

/** Decodes BOOLEAN contents; DER allows only 0x00 and 0xFF. */
export function decodeBoolean(value: Uint8Array, fail: Fail, path: string): boolean {
  if (value.byteLength !== 1 || (value[0] !== 0x00 && value[0] !== 0xff)) fail(`${path}: BOOLEAN must be one octet 0x00 or 0xFF`);
  return value[0] === 0xff;
}

/** Decodes BIT STRING contents: the bits (unused trailing bits must be zero, as DER requires). */
export function decodeBitString(value: Uint8Array, fail: Fail, path: string): { bytes: Uint8Array; unusedBits: number } {
  if (value.byteLength === 0) fail(`${path}: BIT STRING has no unused-bits octet`);
  const unusedBits = value[0]!;
  if (unusedBits > 7) fail(`${path}: BIT STRING declares ${unusedBits} unused bits (at most 7)`);
  if (value.byteLength === 1 && unusedBits !== 0) fail(`${path}: empty BIT STRING must declare 0 unused bits`);
  const bytes = value.subarray(1);
  if (unusedBits > 0 && (bytes[bytes.byteLength - 1]! & ((1 << unusedBits) - 1)) !== 0) {
    fail(`${path}: BIT STRING unused bits must be zero (DER)`);
  }
  return { bytes, unusedBits };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Decodes a UTCTime (`YYMMDDHHMMSSZ`, years 1950–2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`)
 * in the forms RFC 5280 §4.1.2.5 allows: UTC, seconds present, no fractional seconds.
 */
export function decodeTime(tlv: Tlv, fail: Fail, path: string): Date {
  const s = tlv.value;
  const utc = tlv.tag === 0x17;
  if (!utc && tlv.tag !== 0x18) fail(`${path}: expected UTCTime or GeneralizedTime, found ${tagName(tlv.tag)}`);
  const digits = utc ? 12 : 14;
  if (s.byteLength !== digits + 1 || s[digits] !== 0x5a) {
    fail(`${path}: ${utc ? 'UTCTime must be YYMMDDHHMMSSZ' : 'GeneralizedTime must be YYYYMMDDHHMMSSZ'} (RFC 5280 §4.1.2.5)`);
  }
  const num = (at: number, n: number): number => {
    let v = 0;
    for (let i = at; i < at + n; i++) {
      const c = s[i]! - 0x30;
      if (c < 0 || c > 9) fail(`${path}: time contains a non-digit`);
      v = v * 10 + c;
    }
    return v;
  };
  let year: number;
  let p: number;
  if (utc) {
    const yy = num(0, 2);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    p = 2;
  } else {
    year = num(0, 4);
    p = 4;
  }
  const month = num(p, 2);
  const day = num(p + 2, 2);
  const hour = num(p + 4, 2);
  const minute = num(p + 6, 2);
  const second = num(p + 8, 2);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > maxDay || hour > 23 || minute > 59 || second > 59) {
    fail(`${path}: time is not a valid calendar date`);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

/** Decodes an ASCII string type (IA5String, PrintableString) to a JS string, rejecting bytes ≥ 0x80. */
export function decodeAscii(value: Uint8Array, fail: Fail, path: string): string {
  for (let i = 0; i < value.byteLength; i++) if (value[i]! >= 0x80) fail(`${path}: string must be ASCII (IA5String)`);
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
}
