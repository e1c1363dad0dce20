/**
 * Benchmark of `@signet/spiffe`: SPIFFE ID parsing, X.509-SVID minting (from a public key, with a
 * fresh key per leaf, from a CSR, and on the thread pool) and verification, JWT-SVID minting and
 * validation, each next to the raw `node:crypto` work it cannot avoid, measured in the same rounds.
 *
 * Run: `node --expose-gc bench/dist/sdk.bench.js [--quick]` prints the `sdk` Markdown section on
 * stdout (progress on stderr); `node scripts/run-bench.mjs sdk` records it in BENCHMARKS.md.
 */
import assert from 'node:assert/strict';
import { createECDH, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import {
  JwtBundle,
  SpiffeId,
  TrustDomain,
  X509Bundle,
  X509SvidMinter,
  createCsr,
  createIntermediateCa,
  createSelfSignedCa,
  mintJwtSvid,
  parseAndValidateJwtSvid,
  parseCsr,
  verifyX509Svid,
} from '@signet/spiffe';
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
  type BenchCase,
  type Measurement,
} from './harness.js';

/** Options of {@link runSdkBench}. */
export interface SdkBenchOptions {
  /** A few short rounds instead of the full run: checks that the benchmark works, figures are rough. */
  readonly quick?: boolean;
  /** Progress reporting (default: nothing). */
  readonly log?: (line: string) => void;
}

/** One measured operation and how it compares with its baseline. */
export interface SdkBenchRow {
  readonly id: string;
  readonly group: string;
  readonly operation: string;
  readonly opsPerSec: number;
  readonly baselineId: string;
  readonly baseline: string;
  readonly baselineOpsPerSec: number;
  /** Median per-round ratio operation / baseline, and its range over the rounds. */
  readonly ratio: number;
  readonly ratioLow: number;
  readonly ratioHigh: number;
  /** Per-operation latency, for operations measured with many calls in flight. */
  readonly latencyMs?: { readonly p50: number; readonly p99: number };
}

/** A performance goal checked against a row's ratio. */
export interface SdkBenchGoal {
  readonly id: string;
  readonly description: string;
  readonly rowId: string;
  /** The smallest acceptable ratio. */
  readonly minRatio: number;
  readonly ratio: number;
  readonly met: boolean;
}

/** Everything the benchmark measured, and its Markdown section. */
export interface SdkBenchResult {
  readonly rows: readonly SdkBenchRow[];
  readonly goals: readonly SdkBenchGoal[];
  readonly measurements: ReadonlyMap<string, Measurement>;
  /** The `sdk` section for BENCHMARKS.md, markers included. */
  readonly section: string;
}

/** How many calls the concurrent cases keep in flight. */
const IN_FLIGHT = 64;

/** DER prefix of an uncompressed P-256 SubjectPublicKeyInfo (RFC 5480): append the 65-byte point. */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

const SHORT_ID = 'spiffe://example.org/web';
const LONG_ID =
  'spiffe://prod.eu-west-1.cluster-07.payments.example.org/ns/payments-settlement-processing/sa/settlement-batch-writer' +
  '/region/eu-west-1/zone/eu-west-1b/shard/0042/replica/7/version/2025-11-01';

interface RowSpec {
  readonly id: string;
  readonly group: string;
  readonly baselineId: string;
}

/** Display order of the rows; each names the case it is compared with. */
const ROWS: readonly RowSpec[] = [
  { id: 'id-parse-short', group: 'SPIFFE ID', baselineId: 'url-short' },
  { id: 'id-parse-long', group: 'SPIFFE ID', baselineId: 'url-long' },
  { id: 'mint-spki', group: 'X.509-SVID mint', baselineId: 'raw-sign' },
  { id: 'mint-fresh-ecdh', group: 'X.509-SVID mint', baselineId: 'raw-ecdh-sign' },
  { id: 'mint-fresh-keyobject', group: 'X.509-SVID mint', baselineId: 'raw-keypair-sign' },
  { id: 'mint-csr', group: 'X.509-SVID mint', baselineId: 'raw-sign-verify' },
  { id: 'mint-async', group: 'X.509-SVID mint', baselineId: 'raw-sign-async' },
  { id: 'verify-x509', group: 'X.509-SVID verify', baselineId: 'raw-verify-2' },
  { id: 'jwt-mint', group: 'JWT-SVID', baselineId: 'raw-sign-p1363' },
  { id: 'jwt-validate', group: 'JWT-SVID', baselineId: 'raw-verify-p1363' },
];

const GOALS: readonly Omit<SdkBenchGoal, 'ratio' | 'met'>[] = [
  {
    id: 'mint-vs-sign',
    description: 'X.509-SVID minting from a public key costs at most twice the raw signature',
    rowId: 'mint-spki',
    minRatio: 0.5,
  },
  {
    id: 'csr-vs-sign-verify',
    description: 'minting from a CSR (parse, verify, mint) runs at 40% or more of raw sign + verify',
    rowId: 'mint-csr',
    minRatio: 0.4,
  },
];

/** Runs the benchmark and returns its figures and Markdown section. */
export async function runSdkBench(options: SdkBenchOptions = {}): Promise<SdkBenchResult> {
  const log = options.log ?? (() => undefined);
  const facts = machineFacts();
  const cases = buildCases();
  const rounds = options.quick ? 2 : 7;
  const roundMs = options.quick ? 40 : 300;
  const warmupMs = options.quick ? 20 : 150;
  log(`sdk: ${cases.length} cases × ${rounds} rounds × ${roundMs} ms, interleaved`);
  const measurements = await measureInterleaved(cases, {
    rounds,
    roundMs,
    warmupMs,
    onRound: (r, c, rate) => {
      if (c === cases[cases.length - 1] || r === rounds - 1) log(`  round ${r + 1}/${rounds} ${c.id}: ${fmtRate(rate)}`);
    },
  });
  const get = (id: string): Measurement => {
    const m = measurements.get(id);
    if (m === undefined) throw new Error(`sdk bench: no measurement "${id}"`);
    return m;
  };
  const rows: SdkBenchRow[] = ROWS.map((spec) => {
    const m = get(spec.id);
    const b = get(spec.baselineId);
    const r = compareRounds(m, b);
    return {
      id: spec.id,
      group: spec.group,
      operation: m.name,
      opsPerSec: m.opsPerSec,
      baselineId: spec.baselineId,
      baseline: b.name,
      baselineOpsPerSec: b.opsPerSec,
      ratio: r.ratio,
      ratioLow: r.low,
      ratioHigh: r.high,
      ...(m.latencyMs === undefined ? {} : { latencyMs: m.latencyMs }),
    };
  });
  const goals: SdkBenchGoal[] = GOALS.map((g) => {
    const row = rows.find((r) => r.id === g.rowId);
    if (row === undefined) throw new Error(`sdk bench: goal ${g.id} names unknown row ${g.rowId}`);
    return { ...g, ratio: row.ratio, met: row.ratio >= g.minRatio };
  });
  const section = benchSection({
    id: 'sdk',
    title: 'SDK (`@signet/spiffe`)',
    facts,
    goals: { met: goals.filter((g) => g.met).length, total: goals.length },
    body: renderBody(rows, goals, measurements, { rounds, roundMs, quick: options.quick === true }),
  });
  return { rows, goals, measurements, section };
}

/** Builds the fixtures, checks that each operation really does its job, and returns the cases. */
function buildCases(): BenchCase[] {
  const td = TrustDomain.parse('example.org');
  const now = new Date();
  const id = SpiffeId.parse('spiffe://example.org/ns/prod/sa/web');
  const audience = 'spiffe://example.org/ns/prod/sa/db';

  // A root CA, an intermediate that mints leaves, and a bundle holding the root.
  const root = ecKeyPair();
  const rootCert = createSelfSignedCa({ trustDomain: td, privateKey: root.privateKey, now, ttlSeconds: 86_400 });
  const ca = ecKeyPair();
  const caCert = createIntermediateCa({
    trustDomain: td,
    publicKey: ca.publicKey,
    parentCertificate: rootCert,
    parentPrivateKey: root.privateKey,
    now,
    ttlSeconds: 86_400,
  });
  const minter = X509SvidMinter.create({ caCertificate: caCert, caPrivateKey: ca.privateKey });
  const bundle = X509Bundle.fromAuthorities(td, [rootCert]);

  // The workload's key, reused as DER SubjectPublicKeyInfo.
  const workloadSpki = freshSpki();
  const leaf = minter.mint({ id, publicKey: workloadSpki, now });
  const chain = [leaf.certificate, caCert];
  assert.equal(verifyX509Svid(chain, bundle, { now }).id.toString(), id.toString(), 'the minted leaf must verify');

  // The raw baselines sign and verify a message the size of a leaf certificate, with the CA key.
  const message = Buffer.from(leaf.certificate);
  const sigDer = sign('sha256', message, ca.privateKey);
  const sigP1363 = sign('sha256', message, { key: ca.privateKey, dsaEncoding: 'ieee-p1363' });
  assert.ok(verify('sha256', message, ca.publicKey, sigDer), 'the raw baseline signature must verify');
  const rootSig = sign('sha256', message, root.privateKey);
  assert.ok(verify('sha256', message, root.publicKey, rootSig) && verify('sha256', message, { key: ca.publicKey, dsaEncoding: 'ieee-p1363' }, sigP1363));

  // CSRs from distinct keys, so nothing is cached from one request to the next.
  const csrs: Uint8Array[] = [];
  for (let i = 0; i < 128; i++) csrs.push(createCsr({ privateKey: ecKeyPair().privateKey, id }));
  let csrNext = 0;
  const csrMinted = minter.mint({ id, publicKey: parseCsr(csrs[0]!).subjectPublicKeyInfo, now });
  assert.equal(verifyX509Svid([csrMinted.certificate, caCert], bundle, { now }).id.toString(), id.toString());

  // JWT-SVIDs signed with the CA key under kid "k1".
  const jwtBundle = JwtBundle.fromKeys(td, [['k1', ca.publicKey]]);
  const token = mintJwtSvid({ id, audience, key: ca.privateKey, kid: 'k1', now, ttlSeconds: 3600 });
  assert.equal(parseAndValidateJwtSvid(token, jwtBundle, { audience, now }).id.toString(), id.toString(), 'the token must validate');

  assert.equal(SpiffeId.parse(LONG_ID).toString().length, LONG_ID.length);
  assert.ok(LONG_ID.length >= 180 && LONG_ID.length <= 220, `the long ID should be about 200 characters (is ${LONG_ID.length})`);

  const signAsync = (): Promise<Buffer> =>
    new Promise((resolve, reject) => sign('sha256', message, ca.privateKey, (err, sig) => (err ? reject(err) : resolve(sig))));

  // Each operation is listed next to its baseline: measureInterleaved runs neighbours back to back.
  return [
    { id: 'id-parse-short', name: `\`SpiffeId.parse\`, ${SHORT_ID.length} chars`, fn: () => SpiffeId.parse(SHORT_ID) },
    { id: 'url-short', name: `\`new URL()\`, same ${SHORT_ID.length} chars`, fn: () => new URL(SHORT_ID) },
    { id: 'id-parse-long', name: `\`SpiffeId.parse\`, ${LONG_ID.length} chars`, fn: () => SpiffeId.parse(LONG_ID) },
    { id: 'url-long', name: `\`new URL()\`, same ${LONG_ID.length} chars`, fn: () => new URL(LONG_ID) },

    { id: 'raw-sign', name: 'raw `crypto.sign` (P-256, KeyObject)', fn: () => sign('sha256', message, ca.privateKey) },
    { id: 'mint-spki', name: '`mint`, public key as SPKI DER, reused', fn: () => minter.mint({ id, publicKey: workloadSpki }) },

    { id: 'raw-ecdh-sign', name: 'raw ECDH P-256 key generation + sign', fn: () => (createECDH('prime256v1').generateKeys(), sign('sha256', message, ca.privateKey)) },
    { id: 'mint-fresh-ecdh', name: '`mint`, fresh key per leaf (ECDH → SPKI DER)', fn: () => minter.mint({ id, publicKey: freshSpki() }) },

    { id: 'raw-keypair-sign', name: 'raw `generateKeyPairSync` + sign', fn: () => (ecKeyPair(), sign('sha256', message, ca.privateKey)) },
    { id: 'mint-fresh-keyobject', name: '`mint`, fresh `KeyObject` per leaf', fn: () => minter.mint({ id, publicKey: ecKeyPair().publicKey }) },

    {
      id: 'raw-sign-verify',
      name: 'raw sign + verify',
      fn: () => verify('sha256', message, ca.publicKey, sign('sha256', message, ca.privateKey)),
    },
    {
      id: 'mint-csr',
      name: '`parseCsr` (verifies it) + `mint`',
      fn: () => minter.mint({ id, publicKey: parseCsr(csrs[csrNext++ % csrs.length]!).subjectPublicKeyInfo }),
    },

    { id: 'raw-sign-async', name: `raw \`crypto.sign\` with a callback, ${IN_FLIGHT} in flight`, fn: signAsync, concurrency: IN_FLIGHT },
    { id: 'mint-async', name: `\`mintAsync\`, ${IN_FLIGHT} in flight`, fn: () => minter.mintAsync({ id, publicKey: workloadSpki }), concurrency: IN_FLIGHT },

    {
      id: 'raw-verify-2',
      name: 'raw `crypto.verify` × 2 (one per link)',
      fn: () => verify('sha256', message, ca.publicKey, sigDer) && verify('sha256', message, root.publicKey, rootSig),
    },
    { id: 'verify-x509', name: '`verifyX509Svid`, leaf + intermediate → root', fn: () => verifyX509Svid(chain, bundle, { now }) },

    { id: 'raw-sign-p1363', name: 'raw `crypto.sign`, JOSE (r‖s) encoding', fn: () => sign('sha256', message, { key: ca.privateKey, dsaEncoding: 'ieee-p1363' }) },
    {
      id: 'jwt-mint',
      name: '`mintJwtSvid` ES256',
      fn: () => mintJwtSvid({ id, audience, key: ca.privateKey, kid: 'k1', now: new Date(), ttlSeconds: 300 }),
    },
    {
      id: 'raw-verify-p1363',
      name: 'raw `crypto.verify`, JOSE (r‖s) encoding',
      fn: () => verify('sha256', message, { key: ca.publicKey, dsaEncoding: 'ieee-p1363' }, sigP1363),
    },
    { id: 'jwt-validate', name: '`parseAndValidateJwtSvid` ES256', fn: () => parseAndValidateJwtSvid(token, jwtBundle, { audience, now }) },
  ];
}

function renderBody(
  rows: readonly SdkBenchRow[],
  goals: readonly SdkBenchGoal[],
  measurements: ReadonlyMap<string, Measurement>,
  run: { rounds: number; roundMs: number; quick: boolean },
): string {
  const parts: string[] = [];
  if (run.quick) parts.push('**Quick run (`--quick`): too few, too short rounds; the figures are rough.**', '');
  parts.push(
    `Every operation and its baseline ran in the same process, ${run.rounds} rounds of ${run.roundMs} ms each, interleaved: ` +
      'each round runs every operation back to back with its baseline, after a full GC. Rates are medians over the rounds; ' +
      'the ratio is the median of the per-round ratios operation ÷ baseline, with its range over the rounds. ' +
      'Keys are EC P-256, signatures ECDSA with SHA-256; the CA is an intermediate under a root, leaves carry a URI SAN, ' +
      'key usage, extended key usage, SKI and AKI.',
    '',
  );
  parts.push(
    mdTable(
      ['Area', 'Operation', 'Rate', 'Baseline (same run)', 'Baseline rate', 'Ratio', 'Range'],
      rows.map((r) => [r.group, r.operation, fmtRate(r.opsPerSec), r.baseline, fmtRate(r.baselineOpsPerSec), `**${fmtPct(r.ratio)}**`, `${fmtPct(r.ratioLow)}–${fmtPct(r.ratioHigh)}`]),
    ),
    '',
  );
  parts.push(
    '### Goals',
    '',
    mdTable(
      ['Goal', 'Target', 'Measured', 'Met'],
      goals.map((g) => [g.description, `≥ ${fmtPct(g.minRatio)}`, fmtPct(g.ratio), g.met ? 'yes' : '**no**']),
    ),
    '',
  );
  const concurrent = rows.filter((r) => r.latencyMs !== undefined).map((r) => [r, measurements.get(r.baselineId)] as const);
  if (concurrent.length > 0) {
    parts.push(
      `### Latency with ${IN_FLIGHT} calls in flight`,
      '',
      mdTable(
        ['Operation', 'p50', 'p99', 'Baseline p50', 'Baseline p99'],
        concurrent.map(([r, b]) => [
          r.operation,
          fmtMs(r.latencyMs!.p50),
          fmtMs(r.latencyMs!.p99),
          b?.latencyMs === undefined ? '—' : fmtMs(b.latencyMs.p50),
          b?.latencyMs === undefined ? '—' : fmtMs(b.latencyMs.p99),
        ]),
      ),
      '',
    );
  }
  parts.push(
    '### Reading the figures',
    '',
    '- **SPIFFE ID**: the baseline is the WHATWG `URL` parser on the same string, for scale; `SpiffeId.parse` validates ' +
      'every SPIFFE-ID §2 rule, which `URL` does not.',
    '- **Fresh key per leaf**: the baselines include generating the key the same way, so the ratio shows what minting adds. ' +
      'Passing a `KeyObject` makes the minter export it as SPKI DER (OpenSSL, slow); pass SPKI bytes (as `parseCsr` returns them) on hot paths.',
    '- **CSR**: `parseCsr` imports the requested key and verifies the request\'s signature, then `mint` signs; the baseline is one raw ' +
      'sign and one raw verify with already-imported keys, so key import is the main cost the SDK adds.',
    `- **${IN_FLIGHT} in flight**: both sign on the libuv thread pool (${process.env['UV_THREADPOOL_SIZE'] ?? 4} threads), so they use every core.`,
    '- **X.509 verify**: a leaf and an intermediate presented, the root in the bundle: two signatures to check, so the baseline ' +
      'is two raw verifies. The SDK also parses both certificates and applies the X509-SVID and RFC 5280 path rules.',
    '- **JWT-SVID**: the baselines sign and verify with JOSE (raw r‖s) signatures, as JWS requires.',
  );
  return parts.join('\n');
}

function ecKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** A new P-256 public key as DER SubjectPublicKeyInfo, without any key export. */
function freshSpki(): Uint8Array {
  return Buffer.concat([P256_SPKI_PREFIX, createECDH('prime256v1').generateKeys()]);
}

if (isMain(import.meta.url)) {
  const result = await runSdkBench({
    quick: process.argv.includes('--quick'),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(result.section);
}
