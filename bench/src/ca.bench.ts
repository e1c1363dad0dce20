/**
 * Benchmark of `@signet/ca`: in-process issuance through the CA's signer — authorization, TTL,
 * the active authority's cached minter, the issuance ledger (batched into a real datastore),
 * metrics and a span per SVID — next to the raw `node:crypto` work it cannot avoid, measured in
 * the same rounds: from a public key vs one raw ECDSA P-256 signature, from a CSR vs a raw sign +
 * verify, with 64 calls in flight vs raw signing on the thread pool, and JWT-SVIDs vs a raw
 * JOSE signature.
 *
 * Run: `node --expose-gc bench/dist/ca.bench.js [--quick]` prints the `ca` Markdown section on
 * stdout (progress on stderr); `node scripts/run-bench.mjs ca` records it in BENCHMARKS.md.
 * The ledger goes to Postgres from `SIGNET_TEST_DATABASE_URL` (default
 * `postgres://postgres@127.0.0.1:5432/test`, a fresh schema dropped afterwards) when it answers,
 * else to PGlite in a temporary directory.
 */
import assert from 'node:assert/strict';
import { createECDH, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { CaSigner, createCaService, type AuthorizedEntry, type EntryAuthorizer } from '@signet/ca';
import { createEntry, createNode, listIssuancesByAuthority, openPGliteTestDatabase, openPostgresTestDatabase, probeTestPostgres, type TestDatabase } from '@signet/datastore';
import { captureLogs, configSchema, coreSections, createLogger, loadConfig, systemClock, type Caller } from '@signet/platform';
import { caSection } from '@signet/ca';
import { createCsr, p256VerifierInUse, parseAndValidateJwtSvid, SpiffeBundle, TrustDomain, verifyX509Svid } from '@signet/spiffe';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  benchSection,
  compareRounds,
  fmtMs,
  fmtPct,
  fmtRate,
  isMain,
  machineFacts,
  mdTable,
  measureInterleaved,
  median,
  type BenchCase,
  type Measurement,
} from './harness.js';

/** Options of {@link runCaBench}. */
export interface CaBenchOptions {
  readonly quick?: boolean;
  readonly log?: (line: string) => void;
}

/** One measured operation and how it compares with its baseline. */
export interface CaBenchRow {
  readonly id: string;
  readonly operation: string;
  readonly opsPerSec: number;
  readonly baseline: string;
  readonly baselineOpsPerSec: number;
  readonly ratio: number;
  readonly ratioLow: number;
  readonly ratioHigh: number;
  readonly latencyMs?: { readonly p50: number; readonly p99: number };
  readonly baselineLatencyMs?: { readonly p50: number; readonly p99: number };
  /** Process CPU time per operation (µs), medians over rounds, and the median per-round ratio baseline ÷ operation. */
  readonly cpu?: { readonly us: number; readonly baselineUs: number; readonly ratio: number };
}

/** A goal checked against a row's CPU-time ratio (robust to other load on shared machines); the throughput ratio is shown too. */
export interface CaBenchGoal {
  readonly description: string;
  readonly rowId: string;
  readonly minRatio: number;
  readonly ratio: number;
  readonly cpuRatio: number | undefined;
  readonly met: boolean;
}

/** What the benchmark measured, and its Markdown section. */
export interface CaBenchResult {
  readonly rows: readonly CaBenchRow[];
  readonly goals: readonly CaBenchGoal[];
  readonly section: string;
}

const IN_FLIGHT = 64;
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const AGENT = 'spiffe://example.org/spire/agent/bench/node-1';
const ROWS: readonly { id: string; baselineId: string }[] = [
  { id: 'ca-spki', baselineId: 'raw-sign' },
  { id: 'ca-spki-agent', baselineId: 'raw-sign' },
  { id: 'ca-spki-noledger', baselineId: 'raw-sign' },
  { id: 'ca-csr', baselineId: 'raw-sign-verify' },
  { id: 'ca-csr-noledger', baselineId: 'raw-sign-verify' },
  { id: 'ca-spki-async', baselineId: 'raw-sign-async' },
  { id: 'ca-jwt', baselineId: 'raw-sign-p1363' },
];
const GOALS: readonly Omit<CaBenchGoal, 'ratio' | 'cpuRatio' | 'met'>[] = [
  { description: 'issuing an X.509-SVID from a public key runs at 50% or more of one raw ECDSA P-256 signature', rowId: 'ca-spki', minRatio: 0.5 },
  { description: 'issuing from a CSR runs at 40% or more of a raw sign + verify', rowId: 'ca-csr', minRatio: 0.4 },
];

class QuietReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Entries served by the bench agent, from memory (the attestation service's authorizer caches the same way). */
class MemoryAuthorizer implements EntryAuthorizer {
  readonly #entries = new Map<string, AuthorizedEntry>([['web', { id: 'web', spiffeId: 'spiffe://example.org/ns/prod/sa/web', x509SvidTtl: 0, jwtSvidTtl: 0, dnsNames: [] }]]);
  async authorizedEntry(agentId: string, entryId: string): Promise<AuthorizedEntry | undefined> {
    return agentId === AGENT ? this.#entries.get(entryId) : undefined;
  }
  async getEntry(entryId: string): Promise<AuthorizedEntry | undefined> {
    return this.#entries.get(entryId);
  }
}

/** Runs the benchmark. */
export async function runCaBench(options: CaBenchOptions = {}): Promise<CaBenchResult> {
  const log = options.log ?? (() => undefined);
  const facts = machineFacts();
  const probe = await probeTestPostgres();
  const dataDir = await mkdtemp(join(tmpdir(), 'signet-ca-bench-'));
  const database: TestDatabase = probe.available ? await openPostgresTestDatabase({ url: probe.url }) : await openPGliteTestDatabase();
  const engine = probe.available ? 'Postgres' : 'PGlite';
  const reader = new QuietReader();
  const { config } = loadConfig({
    schema: configSchema(coreSections(), caSection),
    overrides: { data_dir: dataDir, 'ca.key_manager': 'memory', 'ca.rate_limit.per_second': 0 },
  });
  const ca = await createCaService({
    db: database.db,
    config,
    clock: systemClock,
    logger: createLogger({ level: 'warn', service: 'ca', destination: captureLogs().stream }),
    meter: new MeterProvider({ readers: [reader] }).getMeter('ca'),
    tracer: new BasicTracerProvider().getTracer('ca'),
    authorizer: new MemoryAuthorizer(),
    followEvents: false,
  });
  try {
    await ca.start();
    await createNode(database.db, { spiffeId: AGENT, attestationType: 'bench' }, new Date());
    await createEntry(database.db, { id: 'web', spiffeId: 'spiffe://example.org/ns/prod/sa/web', parentId: AGENT, selectors: [{ type: 'bench', value: 'web' }] }, new Date());
    const cases = await buildCases(ca);
    const rounds = options.quick ? 2 : 7;
    const roundMs = options.quick ? 60 : 300;
    log(`ca: ${cases.length} cases × ${rounds} rounds × ${roundMs} ms, ledger on ${engine}`);
    const measurements = await measureInterleaved(cases, { rounds, roundMs, warmupMs: options.quick ? 30 : 200, onRound: (r, c, rate) => log(`  round ${r + 1} ${c.id}: ${fmtRate(rate)}`) });
    log('ca: CPU time per operation');
    const cpu = await measureCpu(cases.filter((c) => (c.concurrency ?? 1) === 1), rounds, roundMs, options.quick ? 200 : 1500, () => ca.ledger.flush(), log);
    const backlog = ca.ledger.pending;
    await ca.ledger.flush();
    const authority = ca.manager.activeX509().authority.id;
    assert.equal((await listIssuancesByAuthority(database.db, authority, {}, { pageSize: 1 })).items.length, 1, 'the ledger recorded the issuances');
    const rows = ROWS.map((spec) => row(spec, measurements, cpu));
    const goals = GOALS.map((g) => {
      const r = rows.find((x) => x.id === g.rowId)!;
      return { ...g, ratio: r.ratio, cpuRatio: r.cpu?.ratio, met: (r.cpu?.ratio ?? r.ratio) >= g.minRatio };
    });
    const section = benchSection({
      id: 'ca',
      title: 'CA (`@signet/ca`)',
      facts,
      goals: { met: goals.filter((g) => g.met).length, total: goals.length },
      body: renderBody(rows, goals, { rounds, roundMs, quick: options.quick === true, engine, pending: backlog }),
    });
    return { rows, goals, section };
  } finally {
    await ca.close();
    await database.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Process CPU time per operation of each sequential case, in interleaved rounds after a warm-up
 * of `warmupMs` per case, without forcing a garbage collection between rounds (a forced full GC
 * throws away the JIT's type feedback, which costs the CA's JavaScript path far more than the
 * raw signature's native code, and a server never forces one). CPU time does not move with the
 * load of other processes on a shared machine; it does not count the database server's work on
 * the ledger rows (another process). Each round ends by writing the ledger rows it produced
 * (`settle`), inside the measured window, so a case pays for its own rows and no other.
 */
async function measureCpu(
  cases: readonly BenchCase[],
  rounds: number,
  roundMs: number,
  warmupMs: number,
  settle: () => Promise<void>,
  log: (line: string) => void,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(cases.map((c) => [c.id, []]));
  const run = async (c: BenchCase, ms: number): Promise<number> => {
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    let n = 0;
    while (performance.now() - started < ms) {
      for (let i = 0; i < 16; i++) {
        const v = c.fn();
        if (v instanceof Promise) await v;
      }
      n += 16;
    }
    await settle();
    const used = process.cpuUsage(cpu0);
    return (used.user + used.system) / n;
  };
  for (const c of cases) await run(c, warmupMs);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(r + k) % cases.length]!;
      const us = await run(c, roundMs);
      out.get(c.id)!.push(us);
      log(`  cpu round ${r + 1} ${c.id}: ${us.toFixed(1)} µs/op`);
    }
  }
  return out;
}

function row(spec: { id: string; baselineId: string }, measurements: ReadonlyMap<string, Measurement>, cpu: ReadonlyMap<string, number[]>): CaBenchRow {
  const m = measurements.get(spec.id)!;
  const b = measurements.get(spec.baselineId)!;
  const r = compareRounds(m, b);
  const mc = cpu.get(spec.id);
  const bc = cpu.get(spec.baselineId);
  return {
    id: spec.id,
    operation: m.name,
    opsPerSec: m.opsPerSec,
    baseline: b.name,
    baselineOpsPerSec: b.opsPerSec,
    ratio: r.ratio,
    ratioLow: r.low,
    ratioHigh: r.high,
    ...(m.latencyMs === undefined ? {} : { latencyMs: m.latencyMs }),
    ...(b.latencyMs === undefined ? {} : { baselineLatencyMs: b.latencyMs }),
    ...(mc === undefined || bc === undefined ? {} : { cpu: { us: median(mc), baselineUs: median(bc), ratio: median(mc.map((us, i) => bc[i]! / us)) } }),
  };
}

async function buildCases(ca: Awaited<ReturnType<typeof createCaService>>): Promise<BenchCase[]> {
  const td = TrustDomain.parse('example.org');
  const admin: Caller = { kind: 'admin', via: 'inproc' };
  const agent: Caller = { kind: 'agent', via: 'inproc', spiffeId: AGENT };
  const spiffeId = 'spiffe://example.org/ns/prod/sa/web';
  const spki = new Uint8Array(Buffer.concat([P256_SPKI_PREFIX, createECDH('prime256v1').generateKeys()]));
  const csrs = Array.from({ length: 128 }, () => createCsr({ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }));
  let next = 0;

  // Check that each operation does its job: the leaf verifies against the published bundle.
  const stored = await ca.manager.localBundle();
  const bundle = SpiffeBundle.parse(td, JSON.stringify(stored!.document));
  const sample = await ca.signer.signX509Svid(admin, { publicKey: spki, spiffeId });
  assert.equal(verifyX509Svid(sample.certChain, bundle, { now: new Date() }).id.toString(), spiffeId);
  const fromCsr = await ca.signer.signX509Svid(admin, { csr: csrs[0]!, spiffeId });
  assert.equal(verifyX509Svid(fromCsr.certChain, bundle, { now: new Date() }).id.toString(), spiffeId);
  const jwt = await ca.signer.signJwtSvid(admin, { spiffeId, audience: ['spiffe://example.org/db'] });
  assert.equal(parseAndValidateJwtSvid(jwt.token, bundle, { audience: 'spiffe://example.org/db', now: new Date() }).id.toString(), spiffeId);
  // The same signer without the ledger (nothing recorded), to show the ledger's share.
  const unrecorded = new CaSigner({
    trustDomain: td,
    clock: systemClock,
    authorities: ca.manager,
    authorizer: new MemoryAuthorizer(),
    ledger: { record: () => undefined },
    tracer: new BasicTracerProvider().getTracer('ca'),
    x509SvidTtlSeconds: 3600,
    agentSvidTtlSeconds: 3600,
    jwtSvidTtlSeconds: 300,
    agentPathPrefix: '/spire/agent',
  });

  // Raw baselines: the CA's own key over a message the size of a leaf certificate.
  const caKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = Buffer.from(sample.certChain[0]!);
  const caPublic = createPublicKey(caKey.privateKey);
  assert.ok(verify('sha256', message, caPublic, sign('sha256', message, caKey.privateKey)));
  const signAsync = (): Promise<Buffer> => new Promise((resolve, reject) => sign('sha256', message, caKey.privateKey, (err, sig) => (err ? reject(err) : resolve(sig))));

  // A server's event loop turns between requests (gRPC I/O), which is when the ledger's timer and
  // database I/O run. A tight loop of calls that settle without I/O would starve them and push
  // their cost into the next case's round, so the CA cases yield to the event loop every 64 calls.
  const yielding = (fn: () => Promise<unknown>): (() => Promise<unknown>) => {
    let calls = 0;
    return () => (++calls % 64 === 0 ? new Promise<void>((resolve) => setImmediate(resolve)).then(fn) : fn());
  };

  return [
    { id: 'raw-sign', name: 'raw `crypto.sign` (P-256, KeyObject)', fn: () => sign('sha256', message, caKey.privateKey) },
    { id: 'ca-spki', name: '`signX509Svid`, admin, public key (SPKI DER)', fn: yielding(() => ca.signer.signX509Svid(admin, { publicKey: spki, spiffeId })) },
    { id: 'ca-spki-agent', name: '`signX509Svid`, agent + entry (in-memory authorizer), public key', fn: yielding(() => ca.signer.signX509Svid(agent, { publicKey: spki, entryId: 'web' })) },
    { id: 'ca-spki-noledger', name: '`signX509Svid`, admin, public key — ledger off', fn: yielding(() => unrecorded.signX509Svid(admin, { publicKey: spki, spiffeId })) },
    { id: 'raw-sign-verify', name: 'raw sign + verify', fn: () => verify('sha256', message, caPublic, sign('sha256', message, caKey.privateKey)) },
    { id: 'ca-csr', name: '`signX509Svid`, admin, CSR (parsed and verified)', fn: yielding(() => ca.signer.signX509Svid(admin, { csr: csrs[next++ % csrs.length]!, spiffeId })) },
    { id: 'ca-csr-noledger', name: '`signX509Svid`, admin, CSR — ledger off', fn: yielding(() => unrecorded.signX509Svid(admin, { csr: csrs[next++ % csrs.length]!, spiffeId })) },
    { id: 'raw-sign-async', name: `raw \`crypto.sign\` with a callback, ${IN_FLIGHT} in flight`, fn: signAsync, concurrency: IN_FLIGHT },
    { id: 'ca-spki-async', name: `\`signX509Svid\`, public key, ${IN_FLIGHT} in flight`, fn: () => ca.signer.signX509Svid(admin, { publicKey: spki, spiffeId }), concurrency: IN_FLIGHT },
    { id: 'raw-sign-p1363', name: 'raw `crypto.sign`, JOSE (r‖s) encoding', fn: () => sign('sha256', message, { key: caKey.privateKey, dsaEncoding: 'ieee-p1363' }) },
    { id: 'ca-jwt', name: '`signJwtSvid` ES256, admin', fn: yielding(() => ca.signer.signJwtSvid(admin, { spiffeId, audience: ['spiffe://example.org/db'] })) },
  ];
}

function renderBody(rows: readonly CaBenchRow[], goals: readonly CaBenchGoal[], run: { rounds: number; roundMs: number; quick: boolean; engine: string; pending: number }): string {
  const parts: string[] = [];
  if (run.quick) parts.push('**Quick run (`--quick`): too few, too short rounds; the figures are rough.**', '');
  parts.push(
    `Each CA operation and its baseline ran in the same process, ${run.rounds} rounds of ${run.roundMs} ms, interleaved. ` +
      'Every issuance goes through the whole signer: caller authorization, SPIFFE ID checks, lifetime bounds, the active ' +
      "authority's cached minter (signing on the calling thread when the call is alone, on the libuv pool when others are in flight), " +
      'a span, two metric updates and a row buffered for the issuance ' +
      `ledger, written in batches to ${run.engine} while the benchmark runs. CA and baseline keys are EC P-256.`,
    '',
    mdTable(
      ['Operation', 'Rate', 'Baseline (same run)', 'Baseline rate', 'Ratio', 'Range', 'CPU / op', 'Baseline CPU / op', 'CPU ratio'],
      rows.map((r) => [
        r.operation,
        fmtRate(r.opsPerSec),
        r.baseline,
        fmtRate(r.baselineOpsPerSec),
        `**${fmtPct(r.ratio)}**`,
        `${fmtPct(r.ratioLow)}–${fmtPct(r.ratioHigh)}`,
        r.cpu === undefined ? '—' : `${r.cpu.us.toFixed(1)} µs`,
        r.cpu === undefined ? '—' : `${r.cpu.baselineUs.toFixed(1)} µs`,
        r.cpu === undefined ? '—' : fmtPct(r.cpu.ratio),
      ]),
    ),
    '',
    '### Goals',
    '',
    mdTable(
      ['Goal', 'Target', 'CPU-time ratio (checked)', 'Throughput ratio', 'Met'],
      goals.map((g) => [g.description, `≥ ${fmtPct(g.minRatio)}`, g.cpuRatio === undefined ? '—' : fmtPct(g.cpuRatio), fmtPct(g.ratio), g.met ? 'yes' : '**no**']),
    ),
    '',
  );
  const concurrent = rows.filter((r) => r.latencyMs !== undefined);
  if (concurrent.length > 0) {
    parts.push(
      `### Latency with ${IN_FLIGHT} calls in flight`,
      '',
      mdTable(
        ['Operation', 'p50', 'p99', 'Baseline p50', 'Baseline p99'],
        concurrent.map((r) => [r.operation, fmtMs(r.latencyMs!.p50), fmtMs(r.latencyMs!.p99), r.baselineLatencyMs ? fmtMs(r.baselineLatencyMs.p50) : '—', r.baselineLatencyMs ? fmtMs(r.baselineLatencyMs.p99) : '—']),
      ),
      '',
    );
  }
  parts.push(
    '### Reading the figures',
    '',
    '- **From a public key**: what an in-process caller (the attestation service) pays; the baseline is the one signature a leaf needs. ' +
      'The signer signs on the calling thread when a call is alone and on the libuv pool when others are in flight.',
    '- **Ledger off**: the same signer with a recorder that drops rows, to show what recording costs (the CA always records). ' +
      'On this machine the database shares the two cores with the benchmark: the Postgres backend inserting the ledger rows ' +
      '(about 12 µs of its CPU per row since migration 0007, mostly the table\'s two B-tree indexes) slows this process down as well, so ' +
      'the ledger-on CPU ratio also counts that interference (separately measured: the signer without a ledger took about 50% more ' +
      'CPU per SVID while an unrelated bulk insert ran in Postgres). A CA whose database runs on other cores or machines pays ' +
      'only the recording work in its own process.',
    '- **CPU ratio**: baseline CPU time ÷ operation CPU time in this process, in separate interleaved rounds after a 1.5 s warm-up per ' +
      'case and without a forced GC between rounds (a forced full GC discards JIT feedback, which costs the JavaScript-heavy CA path ' +
      'far more than the native raw signature, and no server forces one). It does not move with the load of other processes on ' +
      'these shared machines and does not count the database server. The goals are checked on it.',
    '- **Agent + entry**: the same with agent authorization through an in-memory `EntryAuthorizer`; over the wire the attestation ' +
      "service's authorizer answers from its cache.",
    `- **From a CSR**: \`parseCsr\` verifies the request's signature, then the signer mints from the requested key; the baseline is one raw ` +
      'sign and one raw verify with keys already imported. Each CSR has a key of its own, as agents make them. With OpenSSL 3.0, importing a ' +
      'new key into Node costs about as much as a verification (a full key check, then an export to a provider on first use), so P-256 ' +
      `requests are verified by the SDK's native verifier (\`services/spiffe/native/ecverify.c\`: on-curve check, then OpenSSL's ECDSA) ` +
      `when it is built; this run used: ${p256VerifierInUse()}.`,
    `- **Ledger**: rows are buffered and written ${run.engine === 'PGlite' ? 'to PGlite on the same thread' : 'to Postgres on the same machine'} every 25 ms (the default \`ca.ledger.flush_interval\`) or 1,000 rows, two INSERTs at most in flight; ${run.pending} were still buffered when the rounds ended (the raw baselines never yield to the event loop, so writes wait during their rounds).`,
  );
  return parts.join('\n');
}

if (isMain(import.meta.url)) {
  const result = await runCaBench({ quick: process.argv.includes('--quick'), log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(result.section);
}
