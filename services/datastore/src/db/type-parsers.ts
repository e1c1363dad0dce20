/**
 * How column values are decoded, identically on both engines.
 *
 * - int8 (OID 20) becomes a JS `number`; a value outside the safe integer
 *   range raises `InternalError` instead of being rounded. (`pg` would return a
 *   string and PGlite a number or a bigint depending on the magnitude.)
 * - bytea (OID 17) and bytea[] (OID 1001) become plain `Uint8Array`s on both
 *   (`pg` would return Node `Buffer`s).
 * @module
 */
import pg from 'pg';
import { InternalError } from '../errors.js';

/** OID of int8 / bigint. */
export const INT8_OID = 20;
/** OID of bytea. */
export const BYTEA_OID = 17;
/** OID of bytea[]. */
export const BYTEA_ARRAY_OID = 1001;

/** Parses the text form of an int8 into a safe-integer `number`. */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new InternalError(`int8 value ${text} is outside the safe integer range of a JS number`);
  }
  return value;
}

function toPlainBytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

type TextParser = (text: string) => unknown;
const builtinParser = pg.types.getTypeParser as unknown as (oid: number, format: 'text' | 'binary') => TextParser;

/** A `pg` type-parser set (the `types` option of a pool) applying the rules above. */
export const pgTypeParsers: { getTypeParser: typeof pg.types.getTypeParser } = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return parseInt8;
    if (oid === BYTEA_OID) {
      const parse = builtinParser(BYTEA_OID, format ?? 'text') as (text: string) => Buffer;
      return (text: string) => toPlainBytes(parse(text));
    }
    if (oid === BYTEA_ARRAY_OID) {
      const parse = builtinParser(BYTEA_ARRAY_OID, format ?? 'text') as (text: string) => (Buffer | null)[];
      return (text: string) => parse(text).map((b) => (b === null ? null : toPlainBytes(b)));
    }
    return builtinParser(oid, format ?? 'text');
  }) as typeof pg.types.getTypeParser,
};

/** PGlite `parsers` option applying the rules above (its bytea parsing already yields `Uint8Array`). */
export const pgliteParsers: Record<number, TextParser> = {
  [INT8_OID]: parseInt8,
};
