/**
 * Reading the admin commands' flag values: durations, timestamps, selectors, match modes, page
 * sizes and the content of FILE flags. A malformed value is a usage error (exit 2) naming the
 * flag and the rule.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parseDuration } from '@signet/platform';
import { UsageError, type CommandContext } from '../../command.js';
import type { Selector, SelectorMatch } from './wire.js';

type Ctx = Pick<CommandContext, 'flags'>;

/** Largest value of a proto `int32` (TTL fields are seconds in one). */
export const MAX_INT32 = 2_147_483_647;
/** Largest page the server returns. */
export const MAX_PAGE_SIZE = 1000;

/** The value of string flag `name`, or `undefined` when not given. */
export function stringFlag(ctx: Ctx, name: string): string | undefined {
  const value = ctx.flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** The value of string flag `name`; a usage error when missing or empty. */
export function requiredFlag(ctx: Ctx, name: string): string {
  const value = stringFlag(ctx, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** The values of repeatable flag `name` (empty when not given). */
export function listFlag(ctx: Ctx, name: string): string[] {
  const value = ctx.flags[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

/** Whether boolean flag `name` was given. */
export function boolFlag(ctx: Ctx, name: string): boolean {
  return ctx.flags[name] === true;
}

/** Whether flag `name` was given at all. */
export function hasFlag(ctx: Ctx, name: string): boolean {
  const value = ctx.flags[name];
  return value !== undefined && value !== false;
}

/**
 * Whole seconds from a duration (`90s`, `10m`, `1h30m`, `2d`) or a bare number of seconds,
 * at most {@link MAX_INT32}. Errors name `--flag`.
 */
export function parseSeconds(text: string, flag: string): number {
  const trimmed = text.trim();
  let seconds: number;
  if (/^\d+$/.test(trimmed)) {
    seconds = Number(trimmed);
  } else {
    const ms = parseDuration(trimmed);
    if (ms === undefined) throw new UsageError(`--${flag} must be a duration such as 90s, 10m or 1h30m, or a number of seconds (got ${JSON.stringify(text)})`);
    if (ms % 1000 !== 0) throw new UsageError(`--${flag} must be a whole number of seconds (got ${JSON.stringify(text)})`);
    seconds = ms / 1000;
  }
  if (!Number.isSafeInteger(seconds) || seconds > MAX_INT32) throw new UsageError(`--${flag} must be at most ${MAX_INT32} seconds (got ${JSON.stringify(text)})`);
  return seconds;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Unix seconds as a decimal string (the wire form of `int64`) from RFC 3339 text
 * (`2030-01-01T00:00:00Z`) or a number of Unix seconds; `never` and `0` give `"0"` (no expiry).
 */
export function parseTimestamp(text: string, flag: string): string {
  const trimmed = text.trim();
  if (trimmed === 'never') return '0';
  if (/^\d+$/.test(trimmed)) {
    const value = BigInt(trimmed);
    if (value > 9_223_372_036_854_775_807n) throw new UsageError(`--${flag} is out of range (got ${JSON.stringify(text)})`);
    return value.toString();
  }
  const ms = RFC3339.test(trimmed) ? Date.parse(trimmed.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(`--${flag} must be an RFC 3339 time such as 2030-01-01T00:00:00Z or Unix seconds (got ${JSON.stringify(text)})`);
  }
  if (ms < 0) throw new UsageError(`--${flag} must not be before 1970 (got ${JSON.stringify(text)})`);
  return String(Math.floor(ms / 1000));
}

/** A selector from its `type:value` text, split at the first colon (`unix:uid:1000` is type `unix`, value `uid:1000`). */
export function parseSelector(text: string, flag = 'selector'): Selector {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    throw new UsageError(`--${flag} must be written type:value, e.g. unix:uid:1000 (got ${JSON.stringify(text)})`);
  }
  return { type: text.slice(0, colon), value: text.slice(colon + 1) };
}

/** The `--match` values and their wire enum names. */
export const MATCH_MODES: Readonly<Record<string, SelectorMatch>> = {
  exact: 'SELECTOR_MATCH_EXACT',
  subset: 'SELECTOR_MATCH_SUBSET',
  superset: 'SELECTOR_MATCH_SUPERSET',
  any: 'SELECTOR_MATCH_ANY',
};

/** The wire match mode of `--match` text. */
export function parseMatch(text: string, flag = 'match'): SelectorMatch {
  const mode = Object.hasOwn(MATCH_MODES, text) ? MATCH_MODES[text] : undefined;
  if (mode === undefined) throw new UsageError(`--${flag} must be one of ${Object.keys(MATCH_MODES).join(', ')} (got ${JSON.stringify(text)})`);
  return mode;
}

/** `--page-size`: a whole number from 1 to {@link MAX_PAGE_SIZE}. */
export function parsePageSize(text: string, flag = 'page-size'): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new UsageError(`--${flag} must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${JSON.stringify(text)})`);
  return n;
}

/** One of `choices`, for flags such as `--format pem|spiffe`. */
export function parseChoice<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${flag} must be one of ${choices.join(', ')} (got ${JSON.stringify(text)})`);
  return text as T;
}

/** The content of a FILE flag: the file, or standard input for `-`. */
export async function readInput(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
