/**
 * A small benchmark harness: measures operations per second of a function over several rounds,
 * keeping the median, so a benchmark and its baseline measured in the same run can be compared
 * as a ratio (the machines are shared and noisy; absolute figures vary, ratios much less).
 *
 * {@link measureInterleaved} measures several operations round by round (one round of each, then
 * the next round of each), so a burst of noise lands on a benchmark and its baseline alike, and
 * {@link compareRounds} turns two such measurements into the median of their per-round ratios.
 * {@link benchSection} wraps a benchmark's Markdown between the markers `scripts/run-bench.mjs`
 * collects into `BENCHMARKS.md`.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

/** The result of measuring one operation. */
export interface Measurement {
  readonly name: string;
  /** Median operations per second over the rounds. */
  readonly opsPerSec: number;
  /** Every round's operations per second, in round order. */
  readonly rounds: readonly number[];
  /** Per-operation latency in milliseconds, for operations measured with several calls in flight. */
  readonly latencyMs?: { readonly p50: number; readonly p99: number };
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Duration of one round in milliseconds (default 400). */
  readonly roundMs?: number;
  /** Number of rounds (default 5). */
  readonly rounds?: number;
  /** Calls before measuring, to warm up the JIT (default 200). */
  readonly warmup?: number;
}

/** Measures `fn` (sync or async, called sequentially) and returns the median rate. */
export async function measure(name: string, fn: () => unknown, opts: MeasureOptions = {}): Promise<Measurement> {
  const roundMs = opts.roundMs ?? 400;
  const roundsWanted = opts.rounds ?? 5;
  for (let i = 0; i < (opts.warmup ?? 200); i++) await fn();
  const rounds: number[] = [];
  for (let r = 0; r < roundsWanted; r++) rounds.push(await sequentialRound(fn, roundMs));
  return { name, opsPerSec: median(rounds), rounds };
}

/** One operation of an interleaved measurement. */
export interface BenchCase {
  /** A stable identifier, used as the key of the results. */
  readonly id: string;
  /** What is measured, as shown in tables. */
  readonly name: string;
  /** The operation. With {@link BenchCase.concurrency} above 1 it must return a promise. */
  readonly fn: () => unknown;
  /**
   * How many calls to keep in flight (default 1: each call, awaited if it returns a promise,
   * before the next). Above 1, a new call starts as each one settles, and per-call latency is
   * recorded.
   */
  readonly concurrency?: number;
}

/** Options of {@link measureInterleaved}. */
export interface InterleavedOptions {
  /** Duration of one round of one case in milliseconds (default 300). */
  readonly roundMs?: number;
  /** Number of rounds of every case (default 7). */
  readonly rounds?: number;
  /** Warm-up time per case before the first round, in milliseconds (default 150). */
  readonly warmupMs?: number;
  /** Called after each round of each case, e.g. to report progress on stderr. */
  readonly onRound?: (round: number, c: BenchCase, opsPerSec: number) => void;
}

/**
 * Measures every case in the same rounds: round `r` runs one round of each case, in the given order
 * on even rounds and in reverse order on odd ones. Cases listed next to each other (an operation and
 * its baseline) thus always run back to back, and neither always goes first. When the process was started with
 * `--expose-gc`, a full collection runs before each round (outside the timed window), so no case
 * pays for the garbage of the previous one. Returns the measurements keyed by case id.
 */
export async function measureInterleaved(cases: readonly BenchCase[], opts: InterleavedOptions = {}): Promise<Map<string, Measurement>> {
  const roundMs = opts.roundMs ?? 300;
  const roundsWanted = opts.rounds ?? 7;
  const ids = new Set<string>();
  for (const c of cases) {
    if (ids.has(c.id)) throw new TypeError(`measureInterleaved: duplicate case id "${c.id}"`);
    ids.add(c.id);
  }
  for (const c of cases) await runRound(c, opts.warmupMs ?? 150, undefined);
  const rates = new Map<string, number[]>(cases.map((c) => [c.id, []]));
  const latencies = new Map<string, number[]>(cases.filter((c) => (c.concurrency ?? 1) > 1).map((c) => [c.id, []]));
  for (let r = 0; r < roundsWanted; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[r % 2 === 0 ? k : cases.length - 1 - k]!;
      collectGarbage();
      const rate = await runRound(c, roundMs, latencies.get(c.id));
      rates.get(c.id)!.push(rate);
      opts.onRound?.(r, c, rate);
    }
  }
  const out = new Map<string, Measurement>();
  for (const c of cases) {
    const rounds = rates.get(c.id)!;
    const lat = latencies.get(c.id);
    out.set(c.id, {
      name: c.name,
      opsPerSec: median(rounds),
      rounds,
      ...(lat !== undefined && lat.length > 0 ? { latencyMs: { p50: percentile(lat, 50), p99: percentile(lat, 99) } } : {}),
    });
  }
  return out;
}

/** A subject's rate relative to a baseline's, from rounds measured side by side. */
export interface Ratio {
  /** Median of the per-round ratios subject / baseline. */
  readonly ratio: number;
  /** Lowest per-round ratio. */
  readonly low: number;
  /** Highest per-round ratio. */
  readonly high: number;
}

/**
 * Compares two measurements from the same {@link measureInterleaved} run round by round: the
 * ratio of round `r` of `subject` to round `r` of `baseline`, summarised by median and range.
 * Pairing rounds cancels noise that hit both (a neighbour's burst of load during round `r`).
 */
export function compareRounds(subject: Measurement, baseline: Measurement): Ratio {
  const n = Math.min(subject.rounds.length, baseline.rounds.length);
  if (n === 0) throw new TypeError('compareRounds: both measurements need at least one round');
  const perRound: number[] = [];
  for (let i = 0; i < n; i++) perRound.push(subject.rounds[i]! / baseline.rounds[i]!);
  return { ratio: median(perRound), low: percentile(perRound, 0), high: percentile(perRound, 100) };
}

/** The median of `xs`. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The p-th percentile (0..100) of `xs`, nearest-rank. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Formats a rate for tables: `12,345/s`. */
export function fmtRate(x: number): string {
  return `${Math.round(x).toLocaleString('en-US')}/s`;
}

/** Formats a ratio as a percentage: `57%`. */
export function fmtPct(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

/** Formats a duration in milliseconds with a sensible unit: `850 µs`, `2.4 ms`. */
export function fmtMs(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

/** A Markdown table; cells are written as given (escape `|` yourself). */
export function mdTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Where and when a benchmark ran. */
export interface MachineFacts {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly openssl: string;
  readonly platform: string;
  /** One-minute load average when the facts were taken. */
  readonly load1: number;
  /** ISO 8601 time, to the minute. */
  readonly date: string;
}

/** The facts of this machine and process, now. */
export function machineFacts(): MachineFacts {
  const models = [...new Set(cpus().map((c) => c.model.trim()))];
  return {
    cpuModel: models.join(', ') || 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    openssl: process.versions.openssl ?? 'unknown',
    platform: `${process.platform}/${process.arch}`,
    load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    date: `${new Date().toISOString().slice(0, 16)}Z`,
  };
}

/** Parameters of {@link benchSection}. */
export interface BenchSectionParams {
  /** The section id, `[a-z0-9._-]`: the file name of the benchmark without `.bench.js`. */
  readonly id: string;
  /** The section heading. */
  readonly title: string;
  /** The Markdown body. */
  readonly body: string;
  /** Facts of the run; default {@link machineFacts} now. */
  readonly facts?: MachineFacts;
  /** Goals met and goals checked, when the benchmark has goals; recorded for `run-bench.mjs` to summarise. */
  readonly goals?: { readonly met: number; readonly total: number };
}

/**
 * A benchmark's Markdown section between the markers `scripts/run-bench.mjs` looks for
 * (`<!-- bench:<id> -->` … `<!-- /bench:<id> -->`), with a heading and a line saying where and
 * when it was measured, ending with a newline.
 */
export function benchSection(p: BenchSectionParams): string {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(p.id)) throw new TypeError(`benchSection: invalid id "${p.id}"`);
  const f = p.facts ?? machineFacts();
  const where = `${f.cpuModel} × ${f.cores} cores, ${f.memoryGiB} GiB, ${f.platform}, Node ${f.node}, OpenSSL ${f.openssl}, load ${f.load1}`;
  const goals = p.goals === undefined ? [] : [`<!-- goals: ${p.goals.met}/${p.goals.total} met -->`];
  return [`<!-- bench:${p.id} -->`, `## ${p.title}`, '', `_Measured ${f.date} on ${where}._`, ...goals, '', p.body.trimEnd(), `<!-- /bench:${p.id} -->`, ''].join('\n');
}

/** True when the module with this `import.meta.url` is the program Node was started with. */
export function isMain(importMetaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && importMetaUrl === pathToFileURL(entry).href;
}

async function runRound(c: BenchCase, roundMs: number, latencies: number[] | undefined): Promise<number> {
  const concurrency = c.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError(`case "${c.id}": concurrency must be a positive integer`);
  return concurrency === 1 ? sequentialRound(c.fn, roundMs) : concurrentRound(c.fn, concurrency, roundMs, latencies);
}

/** Calls `fn` one call after another for `roundMs`; returns calls per second. */
async function sequentialRound(fn: () => unknown, roundMs: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < roundMs) {
    // Check the clock every 16 calls to keep its cost out of cheap operations.
    for (let i = 0; i < 16; i++) {
      const v = fn();
      if (v instanceof Promise) await v;
    }
    n += 16;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

/**
 * Keeps `concurrency` calls of `fn` in flight for `roundMs`, then lets the last ones finish; returns
 * completed calls per second over the whole round, drain included.
 */
function concurrentRound(fn: () => unknown, concurrency: number, roundMs: number, latencies: number[] | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let done = 0;
    let inFlight = 0;
    let failed = false;
    const launch = (): void => {
      inFlight++;
      const t0 = performance.now();
      let p: unknown;
      try {
        p = fn();
      } catch (err) {
        p = Promise.reject(err as Error);
      }
      if (!(p instanceof Promise)) {
        failed = true;
        reject(new TypeError('a case with concurrency above 1 must return a promise'));
        return;
      }
      p.then(
        () => {
          const t1 = performance.now();
          inFlight--;
          done++;
          latencies?.push(t1 - t0);
          if (failed) return;
          if (t1 - start < roundMs) launch();
          else if (inFlight === 0) resolve((done * 1000) / (t1 - start));
        },
        (err: unknown) => {
          if (!failed) reject(err as Error);
          failed = true;
        },
      );
    };
    for (let i = 0; i < concurrency && !failed; i++) launch();
  });
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
}
