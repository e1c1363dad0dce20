/**
 * Benchmark of `@signet/registrar` on Postgres: 100,000 entries created through the CreateEntries
 * handler in requests of 1,000 (validation, the multi-row INSERTs and one event per entry, each
 * request one transaction), then list page latencies at that size, a batch update, and how fast
 * an entry created on one replica reaches an event subscriber on another.
 *
 * Run: `node bench/dist/registrar.bench.js [--quick]` prints the `registrar` Markdown section on
 * stdout (progress on stderr); `node scripts/run-bench.mjs registrar` records it in BENCHMARKS.md.
 * Postgres comes from `SIGNET_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`),
 * in a fresh schema dropped afterwards.
 */
import { performance } from 'node:perf_hooks';
import {
  latestRevision,
  openDatastore,
  openPostgresTestDatabase,
  probeTestPostgres,
  silentLogger,
  subscribeEvents,
  type Db,
} from '@signet/datastore';
import { captureLogs, createLogger, type CallContext } from '@signet/platform';
import { createRegistrarService, type RegistrarApp } from '@signet/registrar';
import { benchSection, fmtMs, isMain, mdTable, percentile } from './harness.js';

/** Options of {@link runRegistrarBench}. */
export interface RegistrarBenchOptions {
  /** 10,000 entries instead of 100,000, fewer samples. */
  readonly quick?: boolean;
  readonly log?: (line: string) => void;
}

const BATCH = 1000;
const PARENTS = 100;
const NAMESPACES = 500;

function context(): CallContext {
  return {
    caller: { kind: 'admin', via: 'inproc' },
    method: 'bench',
    signal: new AbortController().signal,
    logger: createLogger({ level: 'warn', service: 'bench', destination: captureLogs().stream }),
    audit: () => undefined,
  };
}

function entry(n: number): Record<string, unknown> {
  return {
    spiffe_id: `spiffe://example.org/ns/app-${n % NAMESPACES}/sa/workload-${n}`,
    parent_id: `spiffe://example.org/spire/agent/k8s_psat/prod/node-${n % PARENTS}`,
    selectors: [
      { type: 'k8s', value: `ns:app-${n % NAMESPACES}` },
      { type: 'k8s', value: `sa:workload-${n}` },
    ],
    x509_svid_ttl: 3600,
  };
}

interface Timing {
  readonly p50: number;
  readonly p99: number;
}

async function sample(runs: number, fn: () => Promise<unknown>): Promise<Timing> {
  await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return { p50: percentile(xs, 50), p99: percentile(xs, 99) };
}

async function createAll(registrar: RegistrarApp, total: number, log: (line: string) => void): Promise<{ ms: number; perBatch: Timing }> {
  const ctx = context();
  const perBatch: number[] = [];
  const start = performance.now();
  for (let first = 0; first < total; first += BATCH) {
    const entries = Array.from({ length: Math.min(BATCH, total - first) }, (_, i) => entry(first + i));
    const t0 = performance.now();
    const res = await registrar.service.CreateEntries.handler({ entries }, ctx);
    perBatch.push(performance.now() - t0);
    const failed = res.results.filter((r) => r.status?.code !== 0);
    if (failed.length > 0) throw new Error(`batch at ${first}: ${failed[0]?.status?.message}`);
    if ((first / BATCH) % 20 === 0) log(`created ${first + entries.length} entries`);
  }
  return { ms: performance.now() - start, perBatch: { p50: percentile(perBatch, 50), p99: percentile(perBatch, 99) } };
}

async function replicaLatency(db: Db, url: string, registrar: RegistrarApp, creates: number): Promise<Timing> {
  const other = await openDatastore({ url, schema: db.schema, logger: silentLogger });
  const arrived = new Map<string, () => void>();
  const seen = new Set<string>();
  const sub = await subscribeEvents(other, {
    fromRevision: await latestRevision(other),
    onEvent: (e) => {
      seen.add(e.subject);
      arrived.get(e.subject)?.();
    },
    onError: () => undefined,
  });
  const xs: number[] = [];
  try {
    for (let i = 0; i < creates; i += 1) {
      const t0 = performance.now();
      const res = await registrar.service.CreateEntries.handler({ entries: [entry(10_000_000 + i)] }, context());
      const id = res.results[0]?.entry?.id ?? '';
      if (!seen.has(id)) await new Promise<void>((resolve) => arrived.set(id, resolve));
      xs.push(performance.now() - t0);
    }
  } finally {
    await sub.close();
    await other.close();
  }
  return { p50: percentile(xs, 50), p99: percentile(xs, 99) };
}

/** Runs the benchmark; resolves its Markdown section. */
export async function runRegistrarBench(options: RegistrarBenchOptions = {}): Promise<string> {
  const log = options.log ?? (() => undefined);
  const total = options.quick ? 10_000 : 100_000;
  const runs = options.quick ? 10 : 50;
  const probe = await probeTestPostgres();
  if (!probe.available) {
    return benchSection({ id: 'registrar', title: 'Registrar', body: `_Not measured: ${probe.reason}._` });
  }
  const { db, dispose } = await openPostgresTestDatabase({ url: probe.url });
  const registrar = createRegistrarService({ db, trustDomain: 'example.org', logger: createLogger({ level: 'warn', service: 'bench', destination: captureLogs().stream }) });
  try {
    const created = await createAll(registrar, total, log);
    log(`created ${total} entries in ${created.ms.toFixed(0)} ms`);
    await db.query('ANALYZE');
    const ctx = context();
    const list = registrar.service.ListEntries.handler;
    const middle = await list({ page: { page_size: 1000 } }, ctx);
    let deepToken = middle.next_page_token;
    for (let i = 0; i < total / 2000 - 1; i += 1) deepToken = (await list({ page: { page_size: 1000, page_token: deepToken } }, ctx)).next_page_token;
    const ids = (await list({ page: { page_size: 1000 } }, ctx)).entries.map((e) => e.id);
    const rows: [string, Timing][] = [
      ['first page of 100 (no filter)', await sample(runs, () => list({}, ctx))],
      [`page of 100 in the middle (token after ${total / 2} rows)`, await sample(runs, () => list({ page: { page_size: 100, page_token: deepToken } }, ctx))],
      ['page of 1000 (no filter)', await sample(runs, () => list({ page: { page_size: 1000 } }, ctx))],
      [`parent_id filter (${total / PARENTS} entries), page of 100`, await sample(runs, () => list({ parent_id: 'spiffe://example.org/spire/agent/k8s_psat/prod/node-7' }, ctx))],
      ['selectors subset (a workload\'s lookup)', await sample(runs, () => list({ selectors: [{ type: 'k8s', value: 'ns:app-7' }, { type: 'k8s', value: 'sa:workload-7' }], selector_match: 'SELECTOR_MATCH_SUBSET' }, ctx))],
      [`selectors superset (one namespace, ${total / NAMESPACES} entries), page of 100`, await sample(runs, () => list({ selectors: [{ type: 'k8s', value: 'ns:app-7' }], selector_match: 'SELECTOR_MATCH_SUPERSET' }, ctx))],
      ['GetEntry', await sample(runs, () => registrar.service.GetEntry.handler({ id: ids[runs] ?? '' }, ctx))],
      ['UpdateEntries, 100 items (hint)', await sample(Math.max(3, runs / 10), () => registrar.service.UpdateEntries.handler({ updates: ids.slice(0, 100).map((id) => ({ entry: { id, hint: `h${performance.now()}` }, mask: { hint: true } })) }, ctx))],
    ];
    const replica = await replicaLatency(db, probe.url, registrar, options.quick ? 20 : 100);
    const rate = (total / created.ms) * 1000;
    const body = [
      `Postgres, ${total.toLocaleString('en-US')} entries (2 selectors each, ${PARENTS} parents) created through the CreateEntries handler ` +
        `in requests of ${BATCH}: each request validates every item, then writes all of them in one transaction of multi-row ` +
        'INSERTs (entries, selectors, DNS names, trust domains) and one multi-row event append.',
      '',
      mdTable(
        ['Measure', 'Result'],
        [
          ['Total time', `${(created.ms / 1000).toFixed(1)} s (${Math.round(rate).toLocaleString('en-US')} entries/s)`],
          ['One request of 1000, p50 / p99', `${fmtMs(created.perBatch.p50)} / ${fmtMs(created.perBatch.p99)}`],
        ],
      ),
      '',
      `### Reads and writes at ${total.toLocaleString('en-US')} entries (${runs} samples)`,
      '',
      mdTable(['Operation', 'p50', 'p99'], rows.map(([name, t]) => [name, fmtMs(t.p50), fmtMs(t.p99)])),
      '',
      '### Replicas',
      '',
      mdTable(
        ['Measure', 'p50', 'p99'],
        [['CreateEntries on replica A → `entry.created` delivered to a subscriber on replica B (LISTEN/NOTIFY)', fmtMs(replica.p50), fmtMs(replica.p99)]],
      ),
    ].join('\n');
    return benchSection({ id: 'registrar', title: 'Registrar', body });
  } finally {
    await registrar.close();
    await dispose();
  }
}

if (isMain(import.meta.url)) {
  const section = await runRegistrarBench({ quick: process.argv.includes('--quick'), log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(section);
}
