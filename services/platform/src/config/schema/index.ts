/**
 * The config schema DSL. Every builder returns a {@link Schema} whose static type flows to
 * {@link Infer}, so the typed `Config` is inferred from the schema rather than written twice.
 *
 * @example
 * ```ts
 * const ca = s.object({
 *   x509_svid_ttl: s.duration({ min: '1m' }).default(3_600_000), // milliseconds
 *   key_type: s.enum(['ec-p256', 'rsa-2048']).default('ec-p256'),
 *   upstream: s.url({ protocols: ['https:'] }).optional(),
 * });
 * type CaConfig = Infer<typeof ca>;
 * // { readonly x509_svid_ttl: number; readonly key_type: 'ec-p256' | 'rsa-2048'; readonly upstream?: string }
 * ```
 * @module
 */
import { ListSchema, RecordSchema, type ListOptions, type RecordOptions } from './collections.js';
import { DurationSchema, type DurationOptions } from './duration.js';
import { ObjectSchema, type Shape } from './object.js';
import {
  BoolSchema,
  EnumSchema,
  IntSchema,
  StringSchema,
  UrlSchema,
  type IntOptions,
  type StringOptions,
  type UrlOptions,
} from './scalars.js';
import type { Schema } from './schema.js';

/** A mapping with a fixed set of keys; see {@link ObjectSchema}. */
export function object<S extends Shape>(shape: S): ObjectSchema<S> {
  return new ObjectSchema(shape);
}

/** A string, optionally bounded in length or matched against a pattern. */
export function string(options?: StringOptions): Schema<string> {
  return new StringSchema(options);
}

/** A whole number, optionally bounded by `min`/`max` (inclusive). */
export function int(options?: IntOptions): Schema<number> {
  return new IntSchema(options);
}

/** A boolean (`true`/`false`; environment values also take `1`/`0`, `yes`/`no`, `on`/`off`). */
export function bool(): Schema<boolean> {
  return new BoolSchema();
}

/** One of a fixed set of strings; the output type is their union. */
export function oneOf<const V extends readonly string[]>(values: V): Schema<V[number]> {
  return new EnumSchema<V[number]>(values);
}

/** A duration written as text (`"90s"`, `"1h30m"`), produced as **milliseconds**. */
export function duration(options?: DurationOptions): Schema<number> {
  return new DurationSchema(options);
}

/** An absolute URL, kept as the string written; `protocols` restricts the scheme. */
export function url(options?: UrlOptions): Schema<string> {
  return new UrlSchema(options);
}

/** A list whose items all follow `item`. */
export function list<T>(item: Schema<T>, options?: ListOptions): Schema<readonly T[]> {
  return new ListSchema(item, options);
}

/** A mapping from free-form string keys to values that follow `value`. */
export function record<T>(value: Schema<T>, options?: RecordOptions): Schema<Readonly<Record<string, T>>> {
  return new RecordSchema(value, options);
}

/**
 * The schema builders in one namespace: `s.object`, `s.string`, `s.int`, `s.bool`, `s.enum`,
 * `s.duration`, `s.url`, `s.list`, `s.record`. Every schema then offers `.optional()`,
 * `.default(v)`, `.refine(check)`, `.transform(fn)` and `.secret()`.
 *
 * @example
 * ```ts
 * const health = s.object({
 *   host: s.string({ minLength: 1 }).default('127.0.0.1'),
 *   port: s.int({ min: 0, max: 65535 }).default(0),
 * });
 * ```
 */
export const s = Object.freeze({
  object,
  string,
  int,
  bool,
  enum: oneOf,
  duration,
  url,
  list,
  record,
});

export { INVALID, ParseContext, Schema, baseOf, isSecretSchema } from './schema.js';
export type { Infer, Invalid, Issue, Path, Refinement } from './schema.js';
export { ObjectSchema } from './object.js';
export type { ObjectOutput, Shape } from './object.js';
export { BoolSchema, EnumSchema, IntSchema, StringSchema, UrlSchema } from './scalars.js';
export type { IntOptions, StringOptions, UrlOptions } from './scalars.js';
export { DurationSchema, formatDuration, parseDuration } from './duration.js';
export type { DurationOptions } from './duration.js';
export { ListSchema, RecordSchema, isPlainObject } from './collections.js';
export type { ListOptions, RecordOptions } from './collections.js';
export { describeValue } from './describe.js';
