/**
 * End-to-end benchmark of the agent through a real `signet dev` process (control plane on
 * embedded PGlite and one agent, as `make run` starts them):
 *
 * - **registration change → SDS push**: a `StreamSecrets` stream is open on the agent socket for
 *   a SPIFFE ID that has no entry yet (so it is held); an entry with that ID for this process's
 *   uid is created through the registrar on the admin socket, and the time until the stream
 *   receives the secret is measured (the control plane's event, the agent's sync, its key, the
 *   CA's signature, the identity cache, SDS). Baseline: the `CreateEntries` call itself.
 * - **FetchX509SVID, warm cache**: time from the call to the first message on one channel, for a
 *   caller whose SVID is already issued (attestation from the kernel's peer credentials and the
 *   unix attestor, then the response). Baseline: a unary call the agent answers before any
 *   attestation (`ValidateJWTSVID` with an empty audience → InvalidArgument).
 *
 * Run: `node --expose-gc bench/dist/agent.bench.js [--quick]` prints the `agent` Markdown section
 * on stdout (progress on stderr); `node scripts/run-bench.mjs agent` records it in BENCHMARKS.md.
 */
import { performance } from 'node:perf_hooks';
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient, signetProtos, unaryCall } from '@signet/platform';
import { benchSection, fmtMs, isMain, machineFacts, mdTable, percentile } from './harness.js';
import { createSdsClient, SimStream } from './support/envoy-sim.js';
import { startSignetDev, type SignetDev } from './support/signet-process.js';

/** Options of {@link runAgentBench}. */
export interface AgentBenchOptions {
  /** 10 registration changes and 40 fetches instead of 50 and 200. */
  readonly quick?: boolean;
  readonly log?: (line: string) => void;
}

const TD = 'bench.test';
const UID = process.getuid?.() ?? 0;
const SELECTORS = [{ type: 'unix', value: `uid:${UID}` }];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface EntryResults {
  results: Array<{ status: { code: number; message: string } | null; entry: { id: string } | null }>;
}

type Registrar = ReturnType<typeof createGrpcClient<ReturnType<typeof signetProtos>['registrar']>>;
type Workload = ReturnType<typeof createGrpcClient<ReturnType<typeof signetProtos>['workload']>>;

async function createEntry(registrar: Registrar, spiffeId: string, parentId: string): Promise<string> {
  const res = await unaryCall<EntryResults>((cb) => registrar.CreateEntries({ entries: [{ spiffe_id: spiffeId, parent_id: parentId, selectors: SELECTORS }] }, cb));
  const r = res.results[0];
  if (r?.status?.code !== 0 || r.entry === null) throw new Error(`CreateEntries ${spiffeId}: ${r?.status?.message ?? 'no result'}`);
  return r.entry.id;
}

async function deleteEntry(registrar: Registrar, id: string): Promise<void> {
  const res = await unaryCall<EntryResults>((cb) => registrar.DeleteEntries({ ids: [id] }, cb));
  if (res.results[0]?.status?.code !== 0) throw new Error(`DeleteEntries ${id}: ${res.results[0]?.status?.message ?? 'no result'}`);
}

function workloadMetadata(): Metadata {
  const md = new Metadata();
  md.set('workload.spiffe.io', 'true');
  return md;
}

/** Time from a FetchX509SVID call to its first message (the call is then cancelled). */
function fetchX509First(client: Workload): Promise<{ ms: number; ids: string[] }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const call = client.FetchX509SVID({}, workloadMetadata());
    let done = false;
    call.on('data', (m: { svids: { spiffe_id: string }[] }) => {
      if (done) return;
      done = true;
      const ms = performance.now() - t0;
      call.cancel();
      resolve({ ms, ids: m.svids.map((s) => s.spiffe_id) });
    });
    call.on('error', (err: ServiceError) => {
      if (!done && err.code !== GrpcStatus.CANCELLED) {
        done = true;
        reject(err);
      }
    });
  });
}

/** Time from a FetchX509SVID call without the security header to its InvalidArgument status. */
function fetchX509NoHeader(client: Workload): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const call = client.FetchX509SVID({}, new Metadata());
    call.on('data', () => reject(new Error('FetchX509SVID without the security header was answered')));
    call.on('error', (err: ServiceError) => {
      const ms = performance.now() - t0;
      if (err.code === GrpcStatus.INVALID_ARGUMENT) resolve(ms);
      else reject(err);
    });
  });
}

/** Time of a unary ValidateJWTSVID with an empty audience (InvalidArgument before attestation). */
function unaryFloor(client: Workload): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    client.ValidateJWTSVID({ audience: '', svid: '' }, workloadMetadata(), (err: ServiceError | null) => {
      const ms = performance.now() - t0;
      if (err?.code === GrpcStatus.INVALID_ARGUMENT) resolve(ms);
      else reject(err ?? new Error('ValidateJWTSVID with an empty audience succeeded'));
    });
  });
}

async function eventually<T>(fn: () => Promise<T>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(100);
    }
  }
}

interface Stats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly n: number;
}

function stats(xs: readonly number[]): Stats {
  return { p50: percentile(xs, 50), p99: percentile(xs, 99), max: percentile(xs, 100), n: xs.length };
}

export interface AgentBenchResult {
  readonly push: Stats;
  readonly create: Stats;
  readonly fetch: Stats;
  readonly unaryFloor: Stats;
  readonly noHeader: Stats;
  readonly section: string;
}

export async function runAgentBench(opts: AgentBenchOptions = {}): Promise<AgentBenchResult> {
  const log = opts.log ?? (() => undefined);
  const facts = machineFacts();
  const changes = opts.quick ? 10 : 50;
  const fetches = opts.quick ? 40 : 200;
  log('agent: starting signet dev');
  const dev: SignetDev = await startSignetDev(TD);
  const { endpoints } = dev;
  log(`agent: signet dev ready in ${(dev.startMs / 1000).toFixed(1)} s (${endpoints.database.engine})`);
  const registrar = createGrpcClient(signetProtos().registrar, `unix://${endpoints.admin_socket}`);
  const workload = createGrpcClient(signetProtos().workload, `unix://${endpoints.agent_socket}`);
  const sds = createSdsClient(endpoints.agent_socket);
  const node = { id: 'sidecar~10.0.0.1~bench~bench', cluster: 'bench' };
  const pushMs: number[] = [];
  const createMs: number[] = [];
  const fetchMs: number[] = [];
  const floorMs: number[] = [];
  const noHeaderMs: number[] = [];
  let exit: number | string | undefined;
  try {
    // A warm identity for this uid, served before anything is timed.
    const warmId = `spiffe://${TD}/bench/warm`;
    await createEntry(registrar, warmId, endpoints.agent_spiffe_id);
    const first = await eventually(() => fetchX509First(workload), 30_000);
    if (!first.ids.includes(warmId)) throw new Error(`FetchX509SVID answered ${first.ids.join(', ')}, not ${warmId}`);
    log('agent: warm entry served');

    // Registration change → SDS push, one at a time. Each entry is deleted afterwards, so every
    // change starts from the same state (this uid's view holds the warm SVID only).
    for (let i = -2; i < changes; i++) {
      const name = `spiffe://${TD}/lat/${i < 0 ? `warmup${-i}` : i}`;
      const stream = new SimStream(sds, {}, name, node);
      await sleep(150); // the stream's first request is attested and held
      if (stream.responses > 0) throw new Error(`${name}: answered before its entry existed`);
      if (stream.failed) throw stream.failed;
      const t0 = performance.now();
      const id = await createEntry(registrar, name, endpoints.agent_spiffe_id);
      const created = performance.now();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        stream.first,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${name}: no SDS push within 15 s of its entry`)), 15_000);
        }),
      ]).finally(() => clearTimeout(timer));
      if (stream.secretBytes === 0) throw new Error(`${name}: the first response carries no secret`);
      if (i >= 0) {
        pushMs.push(stream.firstAt! - t0);
        createMs.push(created - t0);
      }
      stream.cancel();
      await deleteEntry(registrar, id);
      await sleep(50);
      if (i >= 0 && (i + 1) % 10 === 0) log(`agent: ${i + 1} of ${changes} registration changes pushed (last ${fmtMs(stream.firstAt! - t0)})`);
    }

    // FetchX509SVID on a warm cache, next to the floors, interleaved.
    for (let i = 0; i < 20; i++) {
      await fetchX509First(workload);
      await unaryFloor(workload);
      await fetchX509NoHeader(workload);
    }
    for (let i = 0; i < fetches; i++) {
      const order = i % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const k of order) {
        if (k === 0) fetchMs.push((await fetchX509First(workload)).ms);
        else if (k === 1) floorMs.push(await unaryFloor(workload));
        else noHeaderMs.push(await fetchX509NoHeader(workload));
      }
    }
    log(`agent: ${fetches} FetchX509SVID calls timed`);
  } finally {
    registrar.close();
    workload.close();
    sds.close();
    exit = await dev.stop();
  }
  if (exit !== 0) log(`agent: signet dev exited with ${exit}`);

  const push = stats(pushMs);
  const create = stats(createMs);
  const fetch = stats(fetchMs);
  const floor = stats(floorMs);
  const noHeader = stats(noHeaderMs);
  const goals = [
    { goal: 'registration change → SDS push, p99', target: '< 250 ms', measured: fmtMs(push.p99), met: push.p99 < 250 },
  ];
  const x = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;
  const body = [
    'A real `signet dev` process (control plane on embedded PGlite and one agent attested with a join token, as `make run` starts it), ' +
      `trust domain \`${TD}\`; this process is the workload (entries select \`unix:uid:${UID}\`), its calls attested from the kernel's peer credentials.`,
    '',
    'Rerun: `node scripts/run-bench.mjs agent` (after `make build`); `node --expose-gc bench/dist/agent.bench.js --quick` for a smoke run.',
    '',
    `### Registration change → SDS push (${push.n} changes, one at a time)`,
    '',
    'A `StreamSecrets` stream for `spiffe://bench.test/lat/<i>` is opened on the agent socket before the entry exists (the agent holds it, no response); ' +
      'then the entry (parent: the agent, selector: this uid) is created with `CreateEntries` on the admin socket, and the time from the call to the arrival ' +
      'of the secret on the stream is measured. In between: the entry\'s event, the agent\'s sync stream, a new key and the CA\'s signature over mTLS, the identity ' +
      'cache, the SDS push. Each entry is deleted afterwards; two untimed changes come first. ' +
      `With ${push.n} samples, p99 is the ${push.n <= 100 ? 'largest' : `${Math.ceil(0.99 * push.n)}th`} of them (nearest rank).`,
    '',
    mdTable(
      ['Measure', 'p50', 'p99', 'max'],
      [
        ['CreateEntries → secret received on the SDS stream', fmtMs(push.p50), `**${fmtMs(push.p99)}**`, fmtMs(push.max)],
        ['baseline: the `CreateEntries` call alone (same calls)', fmtMs(create.p50), fmtMs(create.p99), fmtMs(create.max)],
        ['ratio', x(push.p50, create.p50), x(push.p99, create.p99), x(push.max, create.max)],
      ],
    ),
    '',
    `### FetchX509SVID, warm cache (${fetch.n} calls on one channel)`,
    '',
    'Time from the call to its first message for a caller whose SVID is issued and cached (each call is then cancelled); interleaved call by call ' +
      'with the floors, on the same channel. Every call is attested (peer credentials read at accept, the unix attestor run per call).',
    '',
    mdTable(
      ['Call', 'p50', 'p99', 'ratio p50 / p99'],
      [
        ['`FetchX509SVID` → first message', fmtMs(fetch.p50), fmtMs(fetch.p99), `**${x(fetch.p50, floor.p50)}** / ${x(fetch.p99, floor.p99)}`],
        ['baseline: unary `ValidateJWTSVID`, empty audience → InvalidArgument before attestation', fmtMs(floor.p50), fmtMs(floor.p99), '1.0×'],
        ['`FetchX509SVID` without the security header → InvalidArgument before attestation', fmtMs(noHeader.p50), fmtMs(noHeader.p99), `${x(noHeader.p50, floor.p50)} / ${x(noHeader.p99, floor.p99)}`],
      ],
    ),
    '',
    '### Goals',
    '',
    mdTable(['Goal', 'Target', 'Measured', 'Met'], goals.map((g) => [g.goal, g.target, g.measured, g.met ? 'yes' : '**no**'])),
    '',
    `SPIRE's design bound for a registration change to reach a workload is about 10 s (its agent syncs every 5 s). ` +
      'The client (this process) and `signet dev` (control plane and agent in one process) share the same 2 cores.',
  ].join('\n');
  const section = benchSection({
    id: 'agent',
    title: 'Agent end to end: registration → SDS push, Workload API',
    body,
    facts,
    goals: { met: goals.filter((g) => g.met).length, total: goals.length },
  });
  return { push, create, fetch, unaryFloor: floor, noHeader, section };
}

if (isMain(import.meta.url)) {
  const result = await runAgentBench({ quick: process.argv.includes('--quick'), log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(result.section);
}
