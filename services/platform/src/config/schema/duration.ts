/**
 * Durations in config: text such as `90s`, `1h30m` or `500ms`, parsed to **milliseconds**.
 * @module
 */
import { Schema, type Invalid, type ParseContext, type Path } from './schema.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * Parses a duration to whole milliseconds, or returns `undefined` when the text is not one.
 * The text is one or more `<number><unit>` parts with units `ms`, `s`, `m`, `h` and `d`
 * (24 hours), largest first or not: `90s`, `1h30m`, `1.5s`, `2d`. A bare number is rejected
 * because its unit would be a guess. Fractions are rounded to the nearest millisecond.
 *
 * @example
 * ```ts
 * parseDuration('1h30m'); // 5_400_000
 * parseDuration('250ms'); // 250
 * parseDuration('12');    // undefined
 * ```
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(PART)) {
    total += Number(match[1]) * UNIT_MS[match[2] as Unit];
  }
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Formats milliseconds as the shortest duration text that {@link parseDuration} reads back.
 *
 * @example
 * ```ts
 * formatDuration(5_400_000); // '1h30m'
 * formatDuration(0);         // '0s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot format duration ${ms}`);
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let text = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}

/** Options of {@link DurationSchema}: bounds as milliseconds or duration text. */
export interface DurationOptions {
  /** Shortest accepted duration, inclusive. */
  readonly min?: number | string;
  /** Longest accepted duration, inclusive. */
  readonly max?: number | string;
}

function toMs(bound: number | string | undefined, name: string): number | undefined {
  if (bound === undefined || typeof bound === 'number') return bound;
  const ms = parseDuration(bound);
  if (ms === undefined) throw new TypeError(`duration ${name} bound "${bound}" is not a duration`);
  return ms;
}

/** A duration written as text (`"90s"`), produced as a number of milliseconds. */
export class DurationSchema extends Schema<number> {
  readonly #min: number | undefined;
  readonly #max: number | undefined;

  constructor(options: DurationOptions = {}) {
    super();
    this.#min = toMs(options.min, 'min');
    this.#max = toMs(options.max, 'max');
  }

  get expected(): string {
    const min = this.#min;
    const max = this.#max;
    if (min !== undefined && max !== undefined) {
      return `a duration from ${formatDuration(min)} to ${formatDuration(max)}`;
    }
    if (min !== undefined && min > 0) return `a duration of at least ${formatDuration(min)}`;
    if (max !== undefined) return `a duration of at most ${formatDuration(max)}`;
    return 'a duration such as "1h" or "90s"';
  }

  parsePresent(value: unknown, path: Path, ctx: ParseContext): number | Invalid {
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms === undefined) return ctx.expected(path, 'a duration such as "1h" or "90s"', value);
    if ((this.#min !== undefined && ms < this.#min) || (this.#max !== undefined && ms > this.#max)) {
      return ctx.expected(path, this.expected, value);
    }
    return ms;
  }
}
