/**
 * DER encoders (X.690 §10) for the structures this package builds. Every function returns the
 * complete encoding of one element (tag, minimal length, contents). @internal
 */
import { Tag, contextTag } from './tags.js';

/** Number of octets the DER length of `n` content octets takes. */
export function lengthOfLength(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

/** Writes the tag and length header at `pos`; returns the position after it. */
export function writeHeader(buf: Uint8Array, pos: number, tag: number, len: number): number {
  buf[pos++] = tag;
  if (len < 0x80) {
    buf[pos++] = len;
    return pos;
  }
  const n = lengthOfLength(len) - 1;
  buf[pos++] = 0x80 | n;
  for (let i = n - 1; i >= 0; i--) buf[pos++] = Math.floor(len / 2 ** (8 * i)) & 0xff;
  return pos;
}

/** Encodes one element whose contents are the concatenation of `parts`. */
export function tlv(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.byteLength;
  const out = new Uint8Array(1 + lengthOfLength(len) + len);
  let pos = writeHeader(out, 0, tag, len);
  for (const p of parts) {
    out.set(p, pos);
    pos += p.byteLength;
  }
  return out;
}

/** `SEQUENCE { parts... }` */
export function sequence(...parts: readonly Uint8Array[]): Uint8Array {
  return tlv(Tag.SEQUENCE, ...parts);
}

/** `SET { parts... }` with the elements sorted as DER requires for SET OF (X.690 §11.6). */
export function setOf(...parts: readonly Uint8Array[]): Uint8Array {
  const sorted = [...parts].sort(compareBytes);
  return tlv(Tag.SET, ...sorted);
}

/** `[n] EXPLICIT` wrapping of the given elements. */
export function explicit(n: number, ...parts: readonly Uint8Array[]): Uint8Array {
  return tlv(contextTag(n, true), ...parts);
}

/** `[n] IMPLICIT` primitive element with the given contents. */
export function implicitPrimitive(n: number, contents: Uint8Array): Uint8Array {
  return tlv(contextTag(n, false), contents);
}

/** Encodings of the OIDs seen so far: a program names a small, fixed set of them. */
const oidCache = new Map<string, Uint8Array>();
const OID_CACHE_LIMIT = 1024;

/**
 * Encodes an OBJECT IDENTIFIER from its dotted form. Encodings are memoized; the returned array
 * is shared and must not be modified (every encoder here copies it into the element it builds).
 */
export function oid(dotted: string): Uint8Array {
  let der = oidCache.get(dotted);
  if (der === undefined) {
    der = encodeOid(dotted);
    if (oidCache.size < OID_CACHE_LIMIT) oidCache.set(dotted, der);
  }
  return der;
}

function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => {
    if (!/^(0|[1-9][0-9]*)$/.test(a)) throw new TypeError(`der: invalid OID "${dotted}"`);
    return Number(a);
  });
  const [a0, a1] = arcs;
  if (a0 === undefined || a1 === undefined || a0 > 2 || (a0 < 2 && a1 > 39)) throw new TypeError(`der: invalid OID "${dotted}"`);
  const bytes: number[] = [];
  const push = (v: number): void => {
    const chunk = [v & 0x7f];
    v = Math.floor(v / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(...chunk);
  };
  push(a0 * 40 + a1);
  for (const arc of arcs.slice(2)) push(arc);
  return tlv(Tag.OID, Uint8Array.from(bytes));
}

/** Encodes a non-negative INTEGER from big-endian magnitude bytes (leading zeros trimmed, sign octet added). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.byteLength - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  if (m.byteLength === 0) return Uint8Array.of(Tag.INTEGER, 1, 0);
  return (m[0]! & 0x80) !== 0 ? tlv(Tag.INTEGER, Uint8Array.of(0), m) : tlv(Tag.INTEGER, m);
}

/** Encodes a small non-negative INTEGER. */
export function smallInteger(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`der: ${n} is not a non-negative safe integer`);
  const bytes: number[] = [];
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  return unsignedInteger(Uint8Array.from(bytes));
}

/** `BOOLEAN` (0xFF for true, as DER requires). */
export function boolean(v: boolean): Uint8Array {
  return Uint8Array.of(Tag.BOOLEAN, 1, v ? 0xff : 0);
}

/** `NULL` */
export const NULL: Uint8Array = Uint8Array.of(Tag.NULL, 0);

/** `OCTET STRING` */
export function octetString(bytes: Uint8Array): Uint8Array {
  return tlv(Tag.OCTET_STRING, bytes);
}

/** `BIT STRING` of whole octets (no unused bits). */
export function bitString(bytes: Uint8Array): Uint8Array {
  return tlv(Tag.BIT_STRING, Uint8Array.of(0), bytes);
}

/**
 * A named-bit `BIT STRING` (e.g. KeyUsage) with bit `i` of `mask` as named bit `i`. Trailing zero
 * bits are dropped, as DER requires for named bit lists (X.690 §11.2.2).
 */
export function namedBitString(mask: number): Uint8Array {
  if (!Number.isInteger(mask) || mask < 0 || mask >= 2 ** 31) throw new TypeError(`der: bit mask ${mask} out of range`);
  if (mask === 0) return Uint8Array.of(Tag.BIT_STRING, 1, 0);
  const highest = 31 - Math.clz32(mask);
  const nBytes = (highest >> 3) + 1;
  const bytes = new Uint8Array(nBytes);
  for (let i = 0; i <= highest; i++) if (mask & (1 << i)) bytes[i >> 3]! |= 0x80 >> (i & 7);
  const unused = 7 - (highest & 7);
  return tlv(Tag.BIT_STRING, Uint8Array.of(unused), bytes);
}

/** `IA5String`; throws `TypeError` on non-ASCII input (callers validate first). */
export function ia5String(s: string): Uint8Array {
  return tlv(Tag.IA5_STRING, asciiBytes(s));
}

/** `PrintableString`; throws `TypeError` on characters outside its set (callers validate first). */
export function printableString(s: string): Uint8Array {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s)) throw new TypeError(`der: "${s}" is not a PrintableString`);
  return tlv(Tag.PRINTABLE_STRING, asciiBytes(s));
}

/** `UTF8String` */
export function utf8String(s: string): Uint8Array {
  return tlv(Tag.UTF8_STRING, new Uint8Array(Buffer.from(s, 'utf8')));
}

/**
 * A certificate `Time` (RFC 5280 §4.1.2.5): UTCTime through 2049, GeneralizedTime from 2050,
 * always in UTC with seconds and without fractions. Milliseconds are truncated.
 */
export function time(d: Date): Uint8Array {
  const out = new Uint8Array(timeLength(d));
  writeTime(out, 0, d);
  return out;
}

/** Encoded length of {@link time}: 15 octets for UTCTime, 17 for GeneralizedTime. */
export function timeLength(d: Date): number {
  return d.getUTCFullYear() < 2050 ? 15 : 17;
}

/** Writes {@link time} into `buf` at `pos`; returns the position after it. */
export function writeTime(buf: Uint8Array, pos: number, d: Date): number {
  const year = d.getUTCFullYear();
  if (!(year >= 1950 && year <= 9999)) throw new TypeError(`der: year ${year} cannot be encoded as a certificate time`);
  const utc = year < 2050;
  buf[pos++] = utc ? Tag.UTC_TIME : Tag.GENERALIZED_TIME;
  buf[pos++] = utc ? 13 : 15;
  if (!utc) pos = put2(buf, pos, Math.floor(year / 100));
  pos = put2(buf, pos, year % 100);
  pos = put2(buf, pos, d.getUTCMonth() + 1);
  pos = put2(buf, pos, d.getUTCDate());
  pos = put2(buf, pos, d.getUTCHours());
  pos = put2(buf, pos, d.getUTCMinutes());
  pos = put2(buf, pos, d.getUTCSeconds());
  buf[pos++] = 0x5a;
  return pos;
}

function put2(buf: Uint8Array, pos: number, v: number): number {
  buf[pos] = 0x30 + Math.floor(v / 10);
  buf[pos + 1] = 0x30 + (v % 10);
  return pos + 2;
}

function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) throw new TypeError(`der: "${s}" is not ASCII`);
    out[i] = c;
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.byteLength - b.byteLength;
}
