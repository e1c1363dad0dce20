/**
 * Benchmark of the agent's Envoy SDS server (`@signet/agent`, `createSdsService`): fan-out of a
 * rotation to thousands of open `StreamSecrets` streams, and server memory per open stream, next
 * to a bare grpc-js server that implements the same method naively (a list of streams, and the
 * bytes Signet would push written to each, encoded beforehand), measured in the same run with the
 * same clients.
 *
 * Each server runs in its own child process (`support/sds-fanout-server.js`) on a Unix socket, so
 * its memory is measured alone. This process plays N Envoys (`support/envoy-sim.js`): one HTTP/2
 * connection each, two streams (`default`, `ROOTCA`), every response ACKed. Both servers stay up
 * with their streams open while rotations alternate between them round by round.
 *
 * Run: `node --expose-gc bench/dist/sds.bench.js [--quick]` prints the `sds` Markdown section on
 * stdout (progress on stderr); `node scripts/run-bench.mjs sds` records it in BENCHMARKS.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchSection, fmtMs, isMain, machineFacts, mdTable, median, percentile } from './harness.js';
import { openEnvoys, PushTracker, type SimEnvoy, type SimStream } from './support/envoy-sim.js';
import { BENCH_WORKLOAD_HEADER, workloadName, type RotationKind, type ServerReply, type ServerRequest } from './support/sds-fanout-server.js';

/** Options of {@link runSdsBench}. */
export interface SdsBenchOptions {
  /** 100 and 500 proxies, fewer rounds. */
  readonly quick?: boolean;
  /** Proxy counts to run (default 500 and 5,000: 1,000 and 10,000 streams). */
  readonly proxies?: readonly number[];
  readonly log?: (line: string) => void;
}

type Mode = 'signet' | 'bare';
const MODES: readonly Mode[] = ['signet', 'bare'];

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

/** One rotation pushed by one server. */
interface Push {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Responses on streams the rotation did not concern (should be 0). */
  readonly unexpected: number;
  /** Time the server spent in the turn of its event loop that applied the rotation. */
  readonly serverMs: number;
  /** Full (mark-compact) garbage collections of the server during the round, and all its GC time. */
  readonly gcMajor: number;
  readonly gcMs: number;
}

interface ScenarioResult {
  readonly proxies: number;
  readonly rounds: { readonly svid: number; readonly ca: number };
  readonly streams: number;
  /** Time to open every proxy (both streams answered), by server. */
  readonly openMs: Record<Mode, number>;
  readonly before: Record<Mode, Memory>;
  readonly after: Record<Mode, Memory>;
  readonly pushes: Record<RotationKind, Record<Mode, Push[]>>;
  /** Size of the `Secret` of each name as received, by server. */
  readonly secretBytes: Record<Mode, { default: number; ROOTCA: number }>;
  readonly signetGroups: number;
}

/** A server child process and its request/reply channel. */
class ServerChild {
  readonly mode: Mode;
  readonly #child: ChildProcess;
  #waiting: { type: string; resolve: (r: ServerReply) => void; reject: (e: Error) => void } | undefined;
  #exited = false;

  constructor(mode: Mode) {
    this.mode = mode;
    const script = fileURLToPath(new URL('./support/sds-fanout-server.js', import.meta.url));
    // SIGNET_BENCH_SERVER_ARGS adds Node options to the server processes (e.g. `--cpu-prof` to profile them).
    const extra = (process.env['SIGNET_BENCH_SERVER_ARGS'] ?? '').split(/\s+/).filter((a) => a !== '');
    this.#child = fork(script, [], { execArgv: ['--expose-gc', ...extra], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.#child.on('message', (m: ServerReply) => {
      const w = this.#waiting;
      if (w === undefined) return;
      this.#waiting = undefined;
      if (m.type === 'error') w.reject(new Error(`${mode} server: ${m.message}`));
      else if (m.type !== w.type) w.reject(new Error(`${mode} server: expected ${w.type}, got ${m.type}`));
      else w.resolve(m);
    });
    this.#child.on('exit', (code, signal) => {
      this.#exited = true;
      this.#waiting?.reject(new Error(`${mode} server exited (${code ?? signal})`));
      this.#waiting = undefined;
    });
  }

  /** Sends `request` and resolves with the reply of type `expect`. */
  ask<T extends ServerReply['type']>(request: ServerRequest, expect: T): Promise<Extract<ServerReply, { type: T }>> {
    if (this.#exited) return Promise.reject(new Error(`${this.mode} server has exited`));
    if (this.#waiting !== undefined) return Promise.reject(new Error(`${this.mode} server: a request is already pending`));
    return new Promise((resolve, reject) => {
      this.#waiting = { type: expect, resolve: resolve as (r: ServerReply) => void, reject };
      this.#child.send(request);
    });
  }

  async memory(): Promise<Memory> {
    const m = await this.ask({ type: 'memory' }, 'memory');
    return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
  }

  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.send({ type: 'exit' } satisfies ServerRequest);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Triggers a prepared rotation on `server` and times its arrival on `affected` streams. */
async function timePush(server: ServerChild, kind: RotationKind, all: readonly SimStream[], timeoutMs: number): Promise<Push> {
  const affected = kind === 'svid' ? all.filter((s) => s.name === 'default') : all;
  const strays = { unexpected: 0 };
  for (const s of all) s.strays = strays;
  const tracker = new PushTracker();
  collectGarbage();
  await sleep(20);
  const gc0 = await server.ask({ type: 'gc' }, 'gc');
  const t0 = performance.now();
  const arrived = tracker.expect(affected, t0);
  const rotated = server.ask({ type: 'rotate' }, 'rotated');
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      arrived,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${server.mode}: ${tracker.pending} of ${affected.length} streams without the ${kind} rotation after ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  const { ms: serverMs } = await rotated;
  // Let the ACKs be processed (so they do not overlap the next push) and catch any push the
  // rotation should not have caused.
  await sleep(300 + all.length / 10);
  for (const s of all) s.strays = undefined;
  const gc1 = await server.ask({ type: 'gc' }, 'gc');
  const lat = tracker.latencies;
  return {
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: percentile(lat, 100),
    unexpected: strays.unexpected,
    serverMs,
    gcMajor: gc1.major - gc0.major,
    gcMs: gc1.majorMs + gc1.minorMs - (gc0.majorMs + gc0.minorMs),
  };
}

async function runScenario(
  proxies: number,
  rounds: { svid: number; ca: number },
  dir: string,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const servers = { signet: new ServerChild('signet'), bare: new ServerChild('bare') } satisfies Record<Mode, ServerChild>;
  const envoys: Record<Mode, SimEnvoy[]> = { signet: [], bare: [] };
  try {
    for (const mode of MODES) {
      await servers[mode].ask({ type: 'init', mode, socketPath: join(dir, `${mode}-${proxies}.sock`), workloads: proxies }, 'ready');
    }
    // A few proxies connect and leave first, so that code compiled and pools created once are not
    // counted per stream.
    for (const mode of MODES) {
      const warm = await openEnvoys(join(dir, `${mode}-${proxies}.sock`), 16, workloadName, BENCH_WORKLOAD_HEADER);
      for (const e of warm) e.close();
    }
    await sleep(500);
    for (const mode of MODES) {
      const stats = await servers[mode].ask({ type: 'stats' }, 'stats');
      if (stats.streams !== 0) throw new Error(`${mode}: ${stats.streams} streams still open after the warm-up proxies left`);
    }
    const before = { signet: await servers.signet.memory(), bare: await servers.bare.memory() };
    const openMs = { signet: 0, bare: 0 };
    for (const mode of MODES) {
      const t0 = performance.now();
      envoys[mode] = await openEnvoys(join(dir, `${mode}-${proxies}.sock`), proxies, workloadName, BENCH_WORKLOAD_HEADER, {
        concurrency: 32,
        timeoutMs: 60_000,
        onProgress: (n) => log(`sds: ${mode}: ${n} of ${proxies} proxies open`),
      });
      openMs[mode] = performance.now() - t0;
      const stats = await servers[mode].ask({ type: 'stats' }, 'stats');
      if (stats.streams !== proxies * 2) throw new Error(`${mode}: server holds ${stats.streams} streams, expected ${proxies * 2}`);
      log(`sds: ${mode}: ${proxies * 2} streams open in ${(openMs[mode] / 1000).toFixed(1)} s`);
    }
    await sleep(500);
    const after = { signet: await servers.signet.memory(), bare: await servers.bare.memory() };
    const signetGroups = (await servers.signet.ask({ type: 'stats' }, 'stats')).groups;
    const secretBytes = Object.fromEntries(
      MODES.map((m) => [m, { default: envoys[m][0]!.streams[0]!.secretBytes, ROOTCA: envoys[m][0]!.streams[1]!.secretBytes }]),
    ) as ScenarioResult['secretBytes'];
    const pushes: ScenarioResult['pushes'] = { svid: { signet: [], bare: [] }, ca: { signet: [], bare: [] } };
    const streams = Object.fromEntries(MODES.map((m) => [m, envoys[m].flatMap((e) => e.streams)])) as Record<Mode, SimStream[]>;
    // One untimed rotation of each kind per server first, so that neither is measured cold.
    for (const kind of ['svid', 'ca'] as const) {
      for (const mode of MODES) {
        await servers[mode].ask({ type: 'prepare', kind }, 'prepared');
        await timePush(servers[mode], kind, streams[mode], 30_000);
      }
    }
    log(`sds: ${proxies * 2} streams: warm-up rotations done`);
    const plan: RotationKind[] = [...Array<RotationKind>(rounds.svid).fill('svid'), ...Array<RotationKind>(rounds.ca).fill('ca')];
    for (let r = 0; r < plan.length; r++) {
      const kind = plan[r]!;
      const order: readonly Mode[] = r % 2 === 0 ? ['bare', 'signet'] : ['signet', 'bare'];
      for (const mode of order) {
        await servers[mode].ask({ type: 'prepare', kind }, 'prepared');
        const push = await timePush(servers[mode], kind, streams[mode], 30_000);
        pushes[kind][mode].push(push);
        log(`sds: ${proxies * 2} streams, ${kind} rotation ${r + 1}/${plan.length}, ${mode}: p50 ${fmtMs(push.p50)}, p99 ${fmtMs(push.p99)}, max ${fmtMs(push.max)}, unexpected ${push.unexpected}, server turn ${fmtMs(push.serverMs)}, server GC ${fmtMs(push.gcMs)} (${push.gcMajor} full)`);
      }
    }
    for (const mode of MODES) {
      const failed = streams[mode].find((s) => s.failed !== undefined);
      if (failed !== undefined) throw failed.failed!;
    }
    return { proxies, rounds, streams: proxies * 2, openMs, before, after, pushes, secretBytes, signetGroups };
  } finally {
    for (const mode of MODES) for (const e of envoys[mode]) e?.close();
    await Promise.all(MODES.map((m) => servers[m].stop()));
  }
}

/** Median over rounds of a figure, and the median of the per-round ratios signet ÷ bare. */
function summarize(pushes: Record<Mode, Push[]>, pick: (p: Push) => number): { signet: number; bare: number; ratio: number; low: number; high: number } {
  const s = pushes.signet.map(pick);
  const b = pushes.bare.map(pick);
  const ratios = s.map((x, i) => x / b[i]!);
  return { signet: median(s), bare: median(b), ratio: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) };
}

function perStream(r: ScenarioResult, mode: Mode, field: keyof Memory): number {
  return (r.after[mode][field] - r.before[mode][field]) / r.streams;
}

const fmtKb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const fmtMb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const fmtX = (x: number): string => `${x.toFixed(2)}×`;
const n = (x: number): string => x.toLocaleString('en-US');

export interface SdsBenchResult {
  readonly scenarios: readonly ScenarioResult[];
  readonly section: string;
}

export async function runSdsBench(opts: SdsBenchOptions = {}): Promise<SdsBenchResult> {
  const log = opts.log ?? (() => undefined);
  const facts = machineFacts();
  const quick = opts.quick === true;
  const counts = opts.proxies ?? (quick ? [100, 500] : [500, 5000]);
  // Fewer rounds at the large scale, where each takes seconds, to stay within about 3 minutes.
  const roundsFor = (proxies: number): { svid: number; ca: number } => (quick ? { svid: 2, ca: 1 } : proxies <= 1000 ? { svid: 12, ca: 6 } : { svid: 8, ca: 4 });
  const dir = await mkdtemp(join(tmpdir(), 'signet-sds-bench-'));
  const scenarios: ScenarioResult[] = [];
  const failures: string[] = [];
  try {
    for (const proxies of counts) {
      log(`sds: scenario ${proxies} proxies (${proxies * 2} streams)`);
      try {
        scenarios.push(await runScenario(proxies, roundsFor(proxies), dir, log));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        failures.push(`${n(proxies * 2)} streams: ${message}`);
        log(`sds: scenario ${proxies} proxies failed: ${message}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const section = render(scenarios, failures, facts);
  return { scenarios, section };
}

function render(scenarios: readonly ScenarioResult[], failures: readonly string[], facts: ReturnType<typeof machineFacts>): string {
  const parts: string[] = [];
  parts.push(
    `Envoy SDS fan-out: N simulated Envoys, each one HTTP/2 connection on the agent's Unix socket with two \`StreamSecrets\` streams ` +
      '(`default` and `ROOTCA`, node on the first request, every response ACKed), against Signet\'s SDS server (`createSdsService`) ' +
      'and, as the baseline, a bare grpc-js server implementing the same method naively: it keeps the open streams in a list and writes ' +
      'to each the bytes Signet would push it, encoded beforehand. Each server runs in its own child process (memory measured alone, after a forced GC); ' +
      'the clients run in the benchmark process on the same 2 cores. Both servers hold their streams open at once and the rotations alternate ' +
      `between them round by round (after one untimed rotation of each kind: ${scenarios.map((sc) => `${sc.rounds.svid} SVID then ${sc.rounds.ca} CA rotations at ${n(sc.streams)} streams`).join(', ')}; figures are medians over the rounds, ` +
      'ratios the median of the per-round ratios Signet ÷ bare, with their range).',
    '',
    'Rerun: `node scripts/run-bench.mjs sds` (after `make build`); `node --expose-gc bench/dist/sds.bench.js --quick` for a smoke run.',
    '',
  );
  const goals: { goal: string; target: string; measured: string; met: boolean }[] = [];
  if (scenarios.length > 0) {
    parts.push('### Push latency: trigger → new version received on each affected stream', '');
    const rows: string[][] = [];
    for (const s of scenarios) {
      for (const kind of ['svid', 'ca'] as const) {
        const affected = kind === 'svid' ? s.proxies : s.streams;
        const p50 = summarize(s.pushes[kind], (p) => p.p50);
        const p99 = summarize(s.pushes[kind], (p) => p.p99);
        const max = summarize(s.pushes[kind], (p) => p.max);
        const turn = summarize(s.pushes[kind], (p) => p.serverMs);
        const gc = summarize(s.pushes[kind], (p) => p.gcMs);
        const fullGcs = (mode: Mode): string => `${s.pushes[kind][mode].filter((p) => p.gcMajor > 0).length}/${s.pushes[kind][mode].length}`;
        const unexpected = s.pushes[kind].signet.reduce((a, p) => a + p.unexpected, 0) + s.pushes[kind].bare.reduce((a, p) => a + p.unexpected, 0);
        rows.push([
          n(s.streams),
          kind === 'svid' ? 'SVID rotation' : 'CA rotation',
          n(affected),
          `${fmtMs(p50.signet)} / ${fmtMs(p99.signet)} / ${fmtMs(max.signet)}`,
          `${fmtMs(p50.bare)} / ${fmtMs(p99.bare)} / ${fmtMs(max.bare)}`,
          `${fmtX(p50.ratio)} / **${fmtX(p99.ratio)}** / ${fmtX(max.ratio)}`,
          `${fmtX(p99.low)}–${fmtX(p99.high)}`,
          `${fmtMs(turn.signet)}${kind === 'ca' ? '¹' : ''} / ${fmtMs(turn.bare)}`,
          `${fmtMs(gc.signet)} (${fullGcs('signet')}) / ${fmtMs(gc.bare)} (${fullGcs('bare')})`,
          String(unexpected),
        ]);
      }
    }
    parts.push(
      mdTable(
        ['Streams', 'Rotation', 'Streams pushed', 'Signet p50 / p99 / max', 'Bare p50 / p99 / max', 'Ratio p50 / p99 / max', 'p99 ratio range', 'Server push turn, Signet / bare', 'Server GC in the round, Signet / bare', 'Stray pushes'],
        rows,
      ),
      '',
      'Server push turn: the time the server spent in the turn of its event loop that applied the rotation and wrote the responses (median over the rounds). ' +
        'Server GC in the round: the server\'s garbage-collection pauses from the trigger until the round ended (ACKs included; median over the rounds), and in how many rounds a full (mark-compact) collection ran. ' +
        '¹ For Signet\'s CA rotation, the bundle phase only: the SVID pushes follow in later turns, once the bundle pushes are ACKed.',
      '',
    );
    parts.push('### Server memory per open stream', '');
    parts.push(
      mdTable(
        ['Streams', 'Server', 'RSS idle → open', 'RSS per stream', 'Heap per stream', 'Open all proxies', 'Secret sizes (`default` / `ROOTCA`)'],
        scenarios.flatMap((s) =>
          MODES.map((m) => [
            n(s.streams),
            m === 'signet' ? `Signet (${n(s.signetGroups)} view groups)` : 'bare grpc-js',
            `${fmtMb(s.before[m].rss)} → ${fmtMb(s.after[m].rss)}`,
            fmtKb(perStream(s, m, 'rss')),
            fmtKb(perStream(s, m, 'heapUsed')),
            `${(s.openMs[m] / 1000).toFixed(1)} s`,
            `${n(s.secretBytes[m].default)} B / ${n(s.secretBytes[m].ROOTCA)} B`,
          ]),
        ),
      ),
      '',
    );
    parts.push(
      mdTable(
        ['Streams', 'RSS per stream, Signet ÷ bare', 'Heap per stream, Signet ÷ bare'],
        scenarios.map((s) => [
          n(s.streams),
          `**${fmtX(perStream(s, 'signet', 'rss') / perStream(s, 'bare', 'rss'))}**`,
          fmtX(perStream(s, 'signet', 'heapUsed') / perStream(s, 'bare', 'heapUsed')),
        ]),
      ),
      '',
    );
    for (const s of scenarios) {
      const p99 = summarize(s.pushes.svid, (p) => p.p99);
      goals.push({
        goal: `SVID rotation to ${n(s.streams)} streams: Signet p99 push time ÷ bare`,
        target: '≤ 1.5×',
        measured: fmtX(p99.ratio),
        met: p99.ratio <= 1.5,
      });
      const mem = perStream(s, 'signet', 'rss') / perStream(s, 'bare', 'rss');
      goals.push({ goal: `memory (RSS) per stream at ${n(s.streams)} streams, Signet ÷ bare`, target: '≤ 1.25×', measured: fmtX(mem), met: mem <= 1.25 });
    }
    const largest = scenarios[scenarios.length - 1]!;
    const caMax = summarize(largest.pushes.ca, (p) => p.max);
    goals.push({
      goal: `CA rotation: all ${n(largest.streams)} streams have their new secret (bundle first, then SVID), median of the rounds' max`,
      target: '≤ 1 s',
      measured: `${fmtMs(caMax.signet)} (bare: ${fmtMs(caMax.bare)})`,
      met: caMax.signet <= 1000,
    });
    const svidMax = summarize(largest.pushes.svid, (p) => p.max);
    goals.push({
      goal: `SVID rotation: all ${n(largest.proxies)} \`default\` streams (of ${n(largest.streams)} open) have their new SVID, median of the rounds' max`,
      target: '≤ 1 s',
      measured: `${fmtMs(svidMax.signet)} (bare: ${fmtMs(svidMax.bare)})`,
      met: svidMax.signet <= 1000,
    });
    if (largest.streams < 10_000) {
      goals.push({ goal: '10,000 streams opened', target: '10,000', measured: n(largest.streams), met: false });
    }
    parts.push('### Goals', '', mdTable(['Goal', 'Target', 'Measured', 'Met'], goals.map((g) => [g.goal, g.target, g.measured, g.met ? 'yes' : '**no**'])), '');
  }
  if (failures.length > 0) {
    parts.push('### Failures', '', ...failures.map((f) => `- ${f}`), '');
  }
  parts.push(
    '### Reading the figures',
    '',
    '- **SVID rotation**: every workload\'s SVID is re-issued by the same CA, all at once (the worst case; the agent renews SVIDs one by one as they age): ' +
      'one `default` push per proxy; the `ROOTCA` streams must get nothing ("stray pushes" counts responses on streams a rotation did not concern). ' +
      '**CA rotation**: a new root joins the bundle (the previous root stays) and every SVID is re-issued by the new CA: one push on every stream. ' +
      'Signet pushes the bundles first and holds the SVID pushes until every bundle push is ACKed (the CA-rotation gate), so this is two client round trips; ' +
      'the bare server writes both at once, with no ordering.',
    '- **Timing**: from the moment this process asks the server (over IPC) to apply an already prepared rotation (certificates minted beforehand) ' +
      'to the arrival of the new version on each stream, measured in the client process. It includes the client\'s own work (reading and ACKing up to ' +
      '10,000 responses on the same 2 cores) for both servers alike. The simulated Envoys speak gRPC over `node:http2` directly and read a response only as ' +
      'far as an ACK needs (version, nonce), as a real Envoy\'s C++ client costs a few microseconds per response: a grpc-js client cost about 50 µs per ' +
      'response and ACK, which at 10,000 streams measured mostly the client (the bare server\'s CA rotation took about 1 s that way, 0.3–0.5 s now).',
    '- **Garbage collection**: each server is prepared for a round with two forced full GCs, as a clean start. After a forced GC, V8 leaves the old ' +
      'generation only about 20% of slack over the live heap; when that slack is smaller than the young generation (32 MB), V8 starts marking at the next ' +
      'allocation. Signet\'s heap at 10,000 streams (about 130 MB) is in that case, so its timed rounds include a full mark-compact, whose concurrent marking ' +
      'also takes CPU from the clients on the other core; the bare server\'s rounds mostly do not (see the GC column). Without the forced GC before a round ' +
      '(measured once: each round then also collects what preparing it left, for both servers) the SVID-rotation p99 ratio at 10,000 streams was 1.33×. ' +
      'A running agent is not collected before each rotation, so its rotations meet a full GC only when its heap reaches the limit V8 set at the last one.',
    '- **Workloads**: every simulated Envoy is its own workload (its own SVID, its own view group in Signet): the benchmark\'s attestation takes the workload from an ' +
      '`x-bench-workload` metadata header the client sends, instead of the kernel peer credentials (all clients here are one process). The real attestation is ' +
      'measured through a real agent in the `agent` section. Views come from the in-memory `WorkloadViews` of the SDS tests, not the identity cache. ' +
      'SVIDs share one key pair (minting stays cheap); each has its own certificate.',
    '- **Baseline**: same gRPC server options as the agent\'s workload endpoint, same socket kind, same clients; it decodes only the first request of each stream ' +
      '(to learn its name), ignores ACKs without decoding them, and writes the bytes Signet pushes (each workload\'s own SVID secret, the shared bundle, with ' +
      'versions and nonces of the same lengths) encoded when the rotation is prepared, where Signet encodes each workload\'s SVID secret when the rotation ' +
      'happens and versions, nonces and ACK-tracks every stream. Both encode a workload\'s first secret when its stream first asks for it. Secret sizes are shown above.',
    '- **Memory**: RSS and V8 heap used of the server process with every stream open and answered, minus the same before the first connection (workload views ' +
      'and certificates already loaded, and 16 proxies already connected and gone, so that one-time costs are not counted per stream), after two forced GCs, divided by the streams. RSS includes the per-connection buffers of HTTP/2 and the sockets; ' +
      'it moves by a few MB between measurements, which is small against the totals.',
  );
  return benchSection({ id: 'sds', title: 'Agent: Envoy SDS fan-out', body: parts.join('\n'), facts, goals: goals.length > 0 ? { met: goals.filter((g) => g.met).length, total: goals.length } : undefined });
}

if (isMain(import.meta.url)) {
  const proxiesArg = process.argv.find((a) => a.startsWith('--proxies='));
  const result = await runSdsBench({
    quick: process.argv.includes('--quick'),
    ...(proxiesArg === undefined ? {} : { proxies: proxiesArg.slice('--proxies='.length).split(',').map(Number) }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(result.section);
}
