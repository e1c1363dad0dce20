/**
 * Benchmark of `@signet/attestation`:
 *
 * 1. computing one agent's authorized entries among 100,000 (direct children, node aliases,
 *    nested parents) from the in-memory index, next to a baseline that scans every entry once;
 * 2. a full initial SyncAuthorized of 10,000 entries (time until the last chunk is received),
 *    in process and through gRPC over SPIFFE mTLS on loopback, on PGlite (and on Postgres
 *    when it is reachable);
 * 3. how long a created entry takes to reach an open stream (commit → message).
 *
 * Run: `node bench/dist/attestation.bench.js [--quick]` prints the `attestation` Markdown
 * section on stdout (progress on stderr); `node scripts/run-bench.mjs attestation` records it.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  appendEvents,
  batchCreateEntries,
  createJoinToken,
  type Db,
  EventKinds,
  type NewRegistrationEntry,
  openPGliteTestDatabase,
  openPostgresTestDatabase,
  probeTestPostgres,
  putBundle,
  type RegistrationEntry,
  type TestDatabase,
} from '@signet/datastore';
import {
  type CallContext,
  type Caller,
  captureLogs,
  configSchema,
  createGrpcClient,
  createLogger,
  FakeClock,
  loadConfig,
  signetProtos,
  startTestGrpcServer,
  streamMessages,
  X509BundleHolder,
  X509SvidHolder,
} from '@signet/platform';
import { createCsr, JwtBundle, matchId, parseCsr, SpiffeBundle, SpiffeId, X509Svid } from '@signet/spiffe';
import { generateTestKey, TestCa } from '@signet/spiffe/testing';
import { attestationSection, type AgentSvidSigner, computeAuthorized, createAttestationService, EntryIndex } from '@signet/attestation';
import { benchSection, fmtMs, isMain, measureInterleaved, mdTable, median, percentile } from './harness.js';

const TD = 'spiffe://example.org';
const SERVER = `${TD}/spire/server`;

/** Options of {@link runAttestationBench}. */
export interface AttestationBenchOptions {
  readonly quick?: boolean;
  readonly log?: (line: string) => void;
}

function entry(id: string, spiffeId: string, parentId: string, selectors: { type: string; value: string }[]): RegistrationEntry {
  const t = new Date('2030-01-01T00:00:00Z');
  return { id, spiffeId, parentId, selectors, dnsNames: [], federatesWith: [], x509SvidTtl: 0, jwtSvidTtl: 0, admin: false, downstream: false, hint: null, expiresAt: null, revision: 1, createdAt: t, updatedAt: t };
}

/**
 * 100,000 entries: 1,000 agents with 90 direct children each, 9 of which parent one more entry
 * (9,000 nested), and 50 node aliases (cluster + region) with 19 children each.
 */
function population(): { entries: RegistrationEntry[]; agent: string; nodeSelectors: { type: string; value: string }[] } {
  const entries: RegistrationEntry[] = [];
  for (let a = 0; a < 1000; a++) {
    const agent = `${TD}/spire/agent/k8s_psat/prod/node-${a}`;
    for (let w = 0; w < 90; w++) {
      const spiffeId = `${TD}/ns/app-${a}/sa/w-${w}`;
      entries.push(entry(`e-${a}-${w}`, spiffeId, agent, [{ type: 'k8s', value: `sa:w-${w}` }]));
      if (w < 9) entries.push(entry(`n-${a}-${w}`, `${spiffeId}/nested`, spiffeId, [{ type: 'unix', value: `uid:${w}` }]));
    }
  }
  for (let g = 0; g < 50; g++) {
    const aliasId = `${TD}/alias/${g}`;
    entries.push(entry(`alias-${g}`, aliasId, SERVER, [{ type: 'k8s_psat', value: `cluster:c${g % 10}` }, { type: 'k8s_psat', value: `agent_node_label:region:r${g}` }]));
    for (let c = 0; c < 19; c++) entries.push(entry(`ac-${g}-${c}`, `${TD}/alias-app/${g}/${c}`, aliasId, [{ type: 'k8s', value: `sa:a${c}` }]));
  }
  const agent = `${TD}/spire/agent/k8s_psat/prod/node-7`;
  const nodeSelectors = [{ type: 'k8s_psat', value: 'cluster:c0' }, ...[0, 10, 20, 30, 40, 1].map((r) => ({ type: 'k8s_psat', value: `agent_node_label:region:r${r}` }))];
  return { entries, agent, nodeSelectors };
}

/** The naive way: expand parents breadth first, scanning every entry at each level. */
function scanAuthorized(agentId: string, nodeSelectors: readonly { type: string; value: string }[], entries: readonly RegistrationEntry[]): number {
  const have = new Set(nodeSelectors.map((s) => `${s.type}:${s.value}`));
  const parents = new Set([agentId]);
  for (const e of entries) if (e.parentId === SERVER && e.selectors.every((s) => have.has(`${s.type}:${s.value}`))) parents.add(e.spiffeId);
  const found = new Set<string>();
  let frontier = [...parents];
  while (frontier.length > 0) {
    const level = new Set(frontier);
    frontier = [];
    for (const e of entries) {
      if (level.has(e.parentId) && e.parentId !== SERVER && !found.has(e.id)) {
        found.add(e.id);
        if (!parents.has(e.spiffeId)) {
          parents.add(e.spiffeId);
          frontier.push(e.spiffeId);
        }
      }
    }
  }
  return found.size;
}

async function computeSection(quick: boolean, log: (l: string) => void): Promise<string> {
  const { entries, agent, nodeSelectors } = population();
  const started = performance.now();
  const index = new EntryIndex(SERVER);
  for (const e of entries) index.upsert(e);
  const buildMs = performance.now() - started;
  const served = computeAuthorized(agent, nodeSelectors, index).entries.length;
  const scanned = scanAuthorized(agent, nodeSelectors, entries);
  if (served !== scanned) throw new Error(`the index found ${served} entries, the scan ${scanned}`);
  log(`attestation: index of ${index.size} entries built in ${buildMs.toFixed(0)} ms; the agent serves ${served}`);
  const results = await measureInterleaved(
    [
      { id: 'index', name: 'computeAuthorized (index)', fn: () => computeAuthorized(agent, nodeSelectors, index) },
      { id: 'scan', name: 'baseline: scan every entry per level', fn: () => scanAuthorized(agent, nodeSelectors, entries) },
    ],
    { rounds: quick ? 3 : 7, roundMs: quick ? 150 : 400, onRound: (r, c, ops) => log(`attestation: round ${r} ${c.id} ${Math.round(ops)}/s`) },
  );
  const idx = results.get('index')!;
  const scan = results.get('scan')!;
  return [
    `### Authorized entries of one agent among ${index.size.toLocaleString('en-US')}`,
    '',
    `The agent serves ${served} entries: 90 direct, 9 nested, and 95 under the 5 node aliases its selectors match (of 50; a sixth shares one selector but needs another).`,
    `Building the index of every entry took ${fmtMs(buildMs)} (done once at start, then kept current by events).`,
    '',
    mdTable(
      ['Operation', 'Per computation', 'Rate'],
      [
        [idx.name, fmtMs(1000 / idx.opsPerSec), `${Math.round(idx.opsPerSec).toLocaleString('en-US')}/s`],
        [scan.name, fmtMs(1000 / scan.opsPerSec), `${Math.round(scan.opsPerSec).toLocaleString('en-US')}/s`],
      ],
    ),
    '',
  ].join('\n');
}

/** A real signer over a test CA (what the CA service does for agents). */
function signerFor(clock: FakeClock): AgentSvidSigner & { ca: TestCa } {
  const ca = TestCa.create('example.org', { now: clock.now(), ttlSeconds: 30 * 86_400 });
  return {
    ca,
    async signAgentX509Svid({ csr, spiffeId, ttlSeconds }) {
      const minted = ca.minter().mint({ id: SpiffeId.parse(spiffeId), publicKey: parseCsr(csr).subjectPublicKeyInfo, ttlSeconds, now: clock.now() });
      return { certChain: [minted.certificate], expiresAt: minted.notAfter, serial: minted.serialNumber };
    },
    async getBundle() {
      return SpiffeBundle.fromX509AndJwt(ca.x509Bundle(), JwtBundle.empty(ca.trustDomain), { sequenceNumber: 1n });
    },
  };
}

function ctxFor(caller: Caller): { ctx: CallContext; abort: AbortController } {
  const abort = new AbortController();
  const logger = createLogger({ level: 'warn', service: 'bench', destination: captureLogs().stream });
  return { ctx: { caller, method: 'bench', signal: abort.signal, logger, audit: () => undefined }, abort };
}

async function syncSection(db: Db, engine: string, quick: boolean, log: (l: string) => void): Promise<string[]> {
  const clock = new FakeClock(Date.now());
  const signer = signerFor(clock);
  await putBundle(db, { trustDomain: 'example.org', document: JSON.parse((await signer.getBundle()).toJson()) as Record<string, never>, source: 'local' }, clock.now());
  const logger = createLogger({ level: 'warn', service: 'bench', destination: captureLogs().stream });
  const config = loadConfig({ schema: configSchema(attestationSection) }).config.attestation;
  const app = createAttestationService({ db, config, clock, logger, signer, trustDomain: 'example.org' });
  await app.start();
  // Attest the agent (join token), keeping its key for mTLS.
  const token = randomBytes(16).toString('hex');
  await createJoinToken(db, { token, expiresAt: new Date(clock.nowMs() + 600_000) }, clock.now());
  const key = generateTestKey();
  const attest = app.service['AttestAgent']!;
  let chain: Uint8Array[] = [];
  let agentId = '';
  async function* requests() {
    yield { step: 'params', params: { attestation_type: 'join_token', payload: Buffer.from(token), csr: Buffer.from(createCsr({ privateKey: key.privateKey })) } };
  }
  await (attest.handler as (r: AsyncIterable<unknown>, c: CallContext, s: (m: { result?: { spiffe_id: string; svid_chain: Buffer[] } }) => Promise<void>) => Promise<void>)(
    requests(),
    ctxFor({ kind: 'anonymous', via: 'inproc' }).ctx,
    async (m) => {
      if (m.result) {
        agentId = m.result.spiffe_id;
        chain = m.result.svid_chain.map((c) => new Uint8Array(c));
      }
    },
  );
  const n = quick ? 2_000 : 10_000;
  const inputs: NewRegistrationEntry[] = Array.from({ length: n }, (_, i) => ({
    spiffeId: `${TD}/ns/app-${i % 50}/sa/workload-${i}`,
    parentId: agentId,
    selectors: [{ type: 'k8s', value: `ns:app-${i % 50}` }, { type: 'k8s', value: `sa:workload-${i}` }],
    dnsNames: [`workload-${i}.app-${i % 50}.svc`],
    x509SvidTtl: 3600,
  }));
  let revision = 0;
  for (let i = 0; i < n; i += 1000) {
    revision = await db.transaction(async (tx) => {
      const created = await batchCreateEntries(tx, inputs.slice(i, i + 1000), clock.now());
      const events = await appendEvents(tx, created.map((e) => ({ kind: EventKinds.entryCreated, subject: e.id })), clock.now());
      return events.at(-1)?.revision ?? 0;
    });
  }
  await app.whenApplied(revision);
  log(`attestation (${engine}): ${n} entries under ${agentId}`);

  const rounds = quick ? 3 : 7;
  const inProcess: number[] = [];
  let messages = 0;
  const sync = app.service['SyncAuthorized']!;
  for (let r = 0; r < rounds; r++) {
    const { ctx, abort } = ctxFor({ kind: 'agent', via: 'inproc', spiffeId: agentId });
    const t0 = performance.now();
    let count = 0;
    await new Promise<void>((resolve, reject) => {
      (sync.handler as (q: unknown, c: CallContext, s: (m: { snapshot_done: boolean }) => Promise<void>) => Promise<void>)({ from_revision: '0' }, ctx, async (m) => {
        count += 1;
        if (m.snapshot_done) {
          inProcess.push(performance.now() - t0);
          resolve();
          abort.abort();
        }
      }).catch(reject);
    });
    messages = count;
  }

  // Through gRPC over SPIFFE mTLS on loopback.
  const protos = signetProtos();
  const grpc = await startTestGrpcServer({ services: [{ definition: protos.attestation, impl: app.service }], admin: false, classifyPeer: app.agentRole, logger });
  const bundleSource = new X509BundleHolder([signer.ca.x509Bundle()]);
  const serverId = `${TD}/signet/server`;
  const { port } = await grpc.server.listenTcp('127.0.0.1', 0, {
    tls: { svidSource: new X509SvidHolder(signer.ca.issueX509Svid(serverId, { now: clock.now() })), bundleSource },
  });
  const client = createGrpcClient(protos.attestation, `127.0.0.1:${port}`, {
    svidSource: new X509SvidHolder(X509Svid.fromParts(chain, key.privateKey)),
    bundleSource,
    expectedServerId: matchId(SpiffeId.parse(serverId)),
    channelOptions: { 'grpc.max_receive_message_length': 8 * 1024 * 1024 },
  });
  const overGrpc: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const abort = new AbortController();
    const t0 = performance.now();
    for await (const m of streamMessages(client.SyncAuthorized({ from_revision: '0' }), abort.signal)) {
      if (m.snapshot_done) {
        overGrpc.push(performance.now() - t0);
        break;
      }
    }
  }

  // Push latency: commit of a new entry → the upsert on an open stream.
  const latencies: number[] = [];
  {
    const { ctx, abort } = ctxFor({ kind: 'agent', via: 'inproc', spiffeId: agentId });
    let waiting: ((at: number) => void) | undefined;
    let ready: () => void = () => undefined;
    const snapshotDone = new Promise<void>((resolve) => {
      ready = resolve;
    });
    void (sync.handler as (q: unknown, c: CallContext, s: (m: { snapshot_done: boolean; upserts: unknown[] }) => Promise<void>) => Promise<void>)({ from_revision: '0' }, ctx, async (m) => {
      if (m.snapshot_done) ready();
      else if (m.upserts.length > 0) waiting?.(performance.now());
    }).catch(() => undefined);
    await snapshotDone;
    for (let i = 0; i < (quick ? 10 : 50); i++) {
      const arrived = new Promise<number>((resolve) => {
        waiting = resolve;
      });
      const t0 = performance.now();
      await db.transaction(async (tx) => {
        const [created] = await batchCreateEntries(tx, [{ spiffeId: `${TD}/late/${i}`, parentId: agentId, selectors: [{ type: 'k8s', value: `sa:late-${i}` }] }], clock.now());
        await appendEvents(tx, [{ kind: EventKinds.entryCreated, subject: created!.id }], clock.now());
      });
      const committed = performance.now();
      const at = await arrived;
      latencies.push(at - committed);
      void t0;
    }
    abort.abort();
  }
  client.close();
  await grpc.close();
  await app.close();
  return [
    `| ${engine} | ${n.toLocaleString('en-US')} | ${messages} | ${fmtMs(median(inProcess))} | ${fmtMs(median(overGrpc))} | ${fmtMs(percentile(latencies, 50))} / ${fmtMs(percentile(latencies, 99))} |`,
  ];
}

/** Runs the benchmark and returns its Markdown section. */
export async function runAttestationBench(options: AttestationBenchOptions = {}): Promise<{ section: string }> {
  const quick = options.quick ?? false;
  const log = options.log ?? (() => undefined);
  const parts = [await computeSection(quick, log)];
  const rows: string[] = [];
  const engines: { name: string; open: () => Promise<TestDatabase> }[] = [{ name: 'PGlite', open: openPGliteTestDatabase }];
  const probe = await probeTestPostgres();
  if (probe.available) engines.push({ name: 'Postgres', open: () => openPostgresTestDatabase({ url: probe.url }) });
  else log(`attestation: Postgres skipped: ${probe.reason}`);
  for (const engine of engines) {
    const test = await engine.open();
    try {
      rows.push(...(await syncSection(test.db, engine.name, quick, log)));
    } finally {
      await test.dispose();
    }
  }
  parts.push(
    '### Initial SyncAuthorized and push latency',
    '',
    'Time from opening the stream with `from_revision` 0 to receiving the chunk marked `snapshot_done` (500 entries or 1 MiB per',
    'message), in process (handler only) and through gRPC over SPIFFE mTLS on loopback (encoding, TLS, HTTP/2 flow control);',
    'median of the rounds. Push latency: from the commit of a new entry (with its event) to its upsert on an open stream, p50 / p99.',
    '',
    '| Engine | Entries | Messages | Snapshot in process | Snapshot over gRPC mTLS | Push latency p50 / p99 |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  );
  return { section: benchSection({ id: 'attestation', title: 'Attestation: authorized entries and sync', body: parts.join('\n') }) };
}

if (isMain(import.meta.url)) {
  const result = await runAttestationBench({ quick: process.argv.includes('--quick'), log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(result.section);
  process.exit(0);
}
