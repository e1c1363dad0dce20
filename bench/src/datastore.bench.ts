/**
 * Datastore benchmark: writing 10,000 registration entries (two selectors each) in one batch and
 * reading pages of them, on embedded PGlite and on Postgres. Each figure sits next to a baseline
 * measured in the same run on the same engine: a raw multi-row INSERT of the same number of bare
 * rows into a scratch table (the engine's write floor), and a `select 1` round trip (its latency
 * floor).
 *
 * Run: `node scripts/run-bench.mjs datastore` (Postgres from SIGNET_TEST_DATABASE_URL).
 */
import { performance } from 'node:perf_hooks';
import {
  batchCreateEntries,
  listEntries,
  listEntriesByParentIds,
  openPGliteTestDatabase,
  openPostgresTestDatabase,
  probeTestPostgres,
  type Db,
  type NewRegistrationEntry,
  type TestDatabase,
} from '@signet/datastore';
import { benchSection, fmtMs, isMain, mdTable, percentile } from './harness.js';

const ENTRIES = 10_000;
const PARENTS = 100;
const now = new Date('2030-01-01T00:00:00Z');

function inputs(): NewRegistrationEntry[] {
  return Array.from({ length: ENTRIES }, (_, n) => ({
    spiffeId: `spiffe://example.org/ns/app-${n % 500}/sa/workload-${n}`,
    parentId: `spiffe://example.org/agent/node-${n % PARENTS}`,
    selectors: [
      { type: 'k8s', value: `ns:app-${n % 500}` },
      { type: 'k8s', value: `sa:workload-${n}` },
    ],
    x509SvidTtl: 3600,
  }));
}

/** Times `fn` `runs` times after one warm-up; returns p50 and p95 in ms. */
async function latency(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function engineRows(name: string, open: () => Promise<TestDatabase>): Promise<string[][]> {
  const { db, dispose } = await open();
  try {
    const rows: string[][] = [];
    const rawInsert = await timeOnce(() => rawBatchInsert(db));
    const batch = await timeOnce(() => batchCreateEntries(db, inputs(), now));
    rows.push([name, `batch create ${ENTRIES.toLocaleString('en-US')} entries, 2 selectors each`, fmtMs(batch), `raw INSERT of ${ENTRIES.toLocaleString('en-US')} bare rows`, fmtMs(rawInsert), `${(batch / rawInsert).toFixed(1)}×`]);
    const ping = await latency(50, () => db.query('select 1'));
    const middle = (await listEntries(db, {}, { pageSize: 1000 })).nextPageToken;
    const reads: Array<[string, () => Promise<unknown>]> = [
      ['first page of 100', () => listEntries(db, {}, { pageSize: 100 })],
      ['page of 100 after 1,000 rows (keyset)', () => listEntries(db, {}, { pageSize: 100, pageToken: middle })],
      ['page of 1,000', () => listEntries(db, {}, { pageSize: 1000 })],
      ['entries of one parent (100)', () => listEntries(db, { parentId: 'spiffe://example.org/agent/node-7' }, { pageSize: 1000 })],
      [
        'workload lookup by selector subset',
        () => listEntries(db, { selectors: { selectors: [{ type: 'k8s', value: 'ns:app-7' }, { type: 'k8s', value: 'sa:workload-7' }], match: 'subset' } }),
      ],
      ['entries of 3 parents (300)', () => listEntriesByParentIds(db, [1, 2, 3].map((n) => `spiffe://example.org/agent/node-${n}`))],
    ];
    for (const [label, fn] of reads) {
      const l = await latency(30, fn);
      rows.push([name, `${label} (p50 / p95)`, `${fmtMs(l.p50)} / ${fmtMs(l.p95)}`, '`select 1` round trip (p50)', fmtMs(ping.p50), `${(l.p50 / ping.p50).toFixed(1)}×`]);
    }
    return rows;
  } finally {
    await dispose();
  }
}

async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** The engine's floor for a bulk write: one multi-row INSERT of ENTRIES rows into a scratch table. */
async function rawBatchInsert(db: Db): Promise<void> {
  await db.exec('create temporary table if not exists bench_scratch (id text primary key, spiffe_id text not null, parent_id text not null)');
  await db.query(
    `insert into bench_scratch (id, spiffe_id, parent_id)
     select 'id-' || n, 'spiffe://example.org/ns/app/sa/w-' || n, 'spiffe://example.org/agent/node-' || (n % $2) from generate_series(1, $1) as n`,
    [ENTRIES, PARENTS],
  );
}

/** Runs the benchmark and returns its Markdown section. */
export async function run(): Promise<string> {
  const rows = await engineRows('PGlite', openPGliteTestDatabase);
  const probe = await probeTestPostgres();
  if (probe.available) rows.push(...(await engineRows('Postgres', () => openPostgresTestDatabase({ url: probe.url }))));
  const body = [
    'Registration entries on both engines. Each figure is next to a floor measured in the same run on the same engine: a raw multi-row INSERT of as many bare rows (no selectors, no constraints beyond a primary key), and a `select 1` round trip. The factor is figure ÷ floor.',
    '',
    mdTable(['engine', 'operation', 'time', 'floor', 'floor time', 'factor'], rows),
    probe.available ? '' : `\nPostgres was not reachable (${probe.reason}); only PGlite was measured.`,
    '',
    'Rerun: `node scripts/run-bench.mjs datastore` (after `make build`).',
  ].join('\n');
  return benchSection({ id: 'datastore', title: 'Datastore: entries on PGlite and Postgres', body });
}

if (isMain(import.meta.url)) process.stdout.write(await run());
