/**
 * Measures entry writes and reads on both engines: one batch of 10,000
 * entries with two selectors each, then page latencies. Not part of the test
 * run; start it with `node dist/bench/entries.bench.js` after a build
 * (Postgres from `SIGNET_TEST_DATABASE_URL`, skipped when unreachable).
 * @module
 */
import { performance } from 'node:perf_hooks';
import type { Db } from '../db/types.js';
import { batchCreateEntries } from '../registrar/entries-create.js';
import { listEntries, listEntriesByParentIds } from '../registrar/entries-read.js';
import type { NewRegistrationEntry } from '../registrar/entry.js';
import {
  openPGliteTestDatabase,
  openPostgresTestDatabase,
  probeTestPostgres,
  type TestDatabase,
} from '../testing/test-databases.js';

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

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ mean: number; p95: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { mean, p95: samples[Math.floor(samples.length * 0.95)] ?? Number.NaN };
}

const fmt = ({ mean, p95 }: { mean: number; p95: number }): string => `mean ${mean.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`;

async function bench(name: string, open: () => Promise<TestDatabase>): Promise<void> {
  const { db, dispose } = await open();
  try {
    const data = inputs();
    const start = performance.now();
    await batchCreateEntries(db, data, now);
    const insertMs = performance.now() - start;
    console.log(`${name}: batch insert of ${ENTRIES} entries (2 selectors each, one transaction): ${insertMs.toFixed(0)} ms`);
    await report(name, db);
  } finally {
    await dispose();
  }
}

async function report(name: string, db: Db): Promise<void> {
  const middle = (await listEntries(db, {}, { pageSize: 1000 })).nextPageToken;
  const rows: [string, () => Promise<unknown>][] = [
    ['first page of 100', () => listEntries(db, {}, { pageSize: 100 })],
    ['page of 100 after 1000 rows', () => listEntries(db, {}, { pageSize: 100, pageToken: middle })],
    ['page of 1000', () => listEntries(db, {}, { pageSize: 1000 })],
    ['filter by parent (100 entries)', () => listEntries(db, { parentId: 'spiffe://example.org/agent/node-7' }, { pageSize: 1000 })],
    [
      'selectors subset (workload lookup)',
      () =>
        listEntries(db, {
          selectors: { selectors: [{ type: 'k8s', value: 'ns:app-7' }, { type: 'k8s', value: 'sa:workload-7' }], match: 'subset' },
        }),
    ],
    ['entries of 3 parents (300 entries)', () => listEntriesByParentIds(db, [1, 2, 3].map((n) => `spiffe://example.org/agent/node-${n}`))],
  ];
  for (const [label, fn] of rows) console.log(`${name}: ${label}: ${fmt(await time(20, fn))}`);
}

await bench('pglite', openPGliteTestDatabase);
const probe = await probeTestPostgres();
if (probe.available) await bench('postgres', () => openPostgresTestDatabase({ url: probe.url }));
else console.log(`postgres: skipped (${probe.reason})`);
