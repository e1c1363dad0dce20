/**
 * The server side of the SDS fan-out benchmark, run as a child process (`node --expose-gc
 * bench/dist/support/sds-fanout-server.js`) so that its memory can be measured alone. It is driven
 * over IPC by `sds.bench.ts` (see {@link ServerRequest}) and serves one of two servers on a Unix
 * socket:
 *
 * - `signet`: the agent's SDS service (`createSdsService`) over in-memory workload views, with a
 *   benchmark attestation that takes the workload from the `x-bench-workload` metadata of each
 *   call (so every simulated Envoy is its own workload, with its own SVID and view group);
 * - `bare`: a naive grpc-js implementation of the same `StreamSecrets` method: it decodes the
 *   first request of a stream to learn its name, answers it, keeps the stream in a list and, on
 *   rotation, writes to every stream of a rotated name the bytes Signet would push it (its
 *   workload's own SVID, encoded beforehand; the shared bundle). Later requests (ACKs) are read as
 *   raw bytes and ignored: no protocol logic at all.
 *
 * Both use the workload endpoint's gRPC server options. Rotations are prepared (certificates
 * minted, responses encoded) on a `prepare` request and applied on `rotate`, so that the timed
 * part is the push alone.
 */
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { createLogger, type ServerSurfaceCall } from '@signet/platform';
import { SpiffeId } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { createSdsService, sdsProtos, SECRET_TYPE_URL, SPIFFE_VALIDATOR_NAME, SPIFFE_VALIDATOR_TYPE_URL, type SdsService } from '../../../services/agent/dist/sds/index.js';
import { InMemoryWorkloadViews } from '../../../services/agent/dist/sds/testing/in-memory-views.js';
import type { CallerAttestation, WorkloadCaller } from '../../../services/agent/dist/endpoint/types.js';
import type { Selector } from '../../../services/agent/dist/domain/selectors.js';
import type { TrustBundle, WorkloadSvid, WorkloadView } from '../../../services/agent/dist/domain/view.js';
import { workloadServerOptions } from '../../../services/agent/dist/endpoint/server.js';

/** The metadata key naming the benchmark workload of a call. */
export const BENCH_WORKLOAD_HEADER = 'x-bench-workload';
/** The trust domain of the benchmark. */
export const BENCH_TRUST_DOMAIN = 'bench.test';

/** A request from the benchmark process. */
export type ServerRequest =
  | { readonly type: 'init'; readonly mode: 'signet' | 'bare'; readonly socketPath: string; readonly workloads: number }
  | { readonly type: 'memory' }
  | { readonly type: 'prepare'; readonly kind: RotationKind }
  | { readonly type: 'rotate' }
  | { readonly type: 'stats' }
  | { readonly type: 'gc' }
  | { readonly type: 'exit' };

/**
 * `svid`: every workload's SVID is re-issued by the same CA (one `default` push per proxy, the
 * `ROOTCA` streams are untouched). `ca`: CA rotation: a new root joins the bundle (the previous
 * one stays) and every SVID is re-issued by the new CA (one push on every stream; Signet pushes
 * the bundles first and the SVIDs once every bundle push is ACKed).
 */
export type RotationKind = 'svid' | 'ca';

/** A reply to the benchmark process. */
export type ServerReply =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'memory'; readonly rss: number; readonly heapUsed: number; readonly heapTotal: number; readonly external: number; readonly arrayBuffers: number }
  | { readonly type: 'prepared'; readonly ms: number }
  | { readonly type: 'rotated'; readonly ms: number }
  | { readonly type: 'stats'; readonly streams: number; readonly groups: number }
  /** Garbage collections so far (forced ones included): full (mark-compact) count and time, young-generation time. */
  | { readonly type: 'gc'; readonly major: number; readonly majorMs: number; readonly minorMs: number }
  | { readonly type: 'error'; readonly message: string };

/** The selectors of benchmark workload `name`. */
function selectorsOf(name: string): Selector[] {
  return [{ type: 'bench', value: name }];
}

/** The benchmark workload name of workload number `i`. */
export function workloadName(i: number): string {
  return `w${i}`;
}

/**
 * A {@link CallerAttestation} for the benchmark: the caller's workload is the `x-bench-workload`
 * metadata of the call. (The agent's real attestation reads the kernel's peer credentials of the
 * connection; it is measured in agent.bench.ts.)
 */
class HeaderAttestation implements CallerAttestation {
  async attestCaller(call: ServerSurfaceCall): Promise<WorkloadCaller> {
    const name = call.metadata.get(BENCH_WORKLOAD_HEADER)[0];
    if (typeof name !== 'string' || name === '') throw new Error(`no ${BENCH_WORKLOAD_HEADER} metadata`);
    return { peer: { credentials: { pid: process.pid, uid: 0, gid: 0 }, isSameProcess: () => true }, selectors: selectorsOf(name) };
  }
}

/** Certificates of the benchmark: a CA, and SVIDs minted with one shared key (minting stays cheap). */
class Identities {
  ca: TestCa;
  previousRoot: Uint8Array | undefined;
  sequence = 1n;
  readonly #publicKey: Uint8Array;
  readonly #privateKey: Uint8Array;
  readonly #keyPem: string;
  #entrySeq = 0;

  constructor() {
    this.ca = TestCa.create(BENCH_TRUST_DOMAIN);
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#publicKey = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
    this.#privateKey = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
    this.#keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  get keyPem(): string {
    return this.#keyPem;
  }

  /** A new root: the current one becomes the previous one. */
  rotateCa(): void {
    this.previousRoot = this.ca.root.certificate;
    this.ca = TestCa.create(BENCH_TRUST_DOMAIN);
    this.sequence++;
  }

  bundle(): TrustBundle {
    return Object.freeze({
      trustDomain: BENCH_TRUST_DOMAIN,
      x509Authorities: this.previousRoot === undefined ? [this.ca.root.certificate] : [this.previousRoot, this.ca.root.certificate],
      jwtAuthorities: [],
      sequence: this.sequence,
      refreshHint: 0,
    });
  }

  svid(i: number): WorkloadSvid {
    const id = `spiffe://${BENCH_TRUST_DOMAIN}/bench/workload-${i}`;
    const { certificate, notAfter } = this.ca.minter().mint({ id: SpiffeId.parse(id), publicKey: this.#publicKey });
    return Object.freeze({
      entryId: `entry-${++this.#entrySeq}`,
      spiffeId: id,
      hint: '',
      certChain: [certificate],
      privateKey: this.#privateKey,
      expiresAt: Math.floor(notAfter.getTime() / 1000),
      federatesWith: [],
    });
  }
}

function view(svid: WorkloadSvid, bundle: TrustBundle): WorkloadView {
  return Object.freeze({ svids: [svid], bundle, federatedBundles: new Map() });
}

/** What both servers do. */
interface FanoutServer {
  prepare(kind: RotationKind): void;
  rotate(): void;
  streams(): number;
  groups(): number;
}

const silent = new Writable({ write: (_chunk, _enc, cb) => cb() });

function signetServer(server: grpc.Server, workloads: number): FanoutServer {
  const ids = new Identities();
  const views = new InMemoryWorkloadViews(BENCH_TRUST_DOMAIN);
  let bundle = ids.bundle();
  for (let i = 0; i < workloads; i++) views.set(selectorsOf(workloadName(i)), view(ids.svid(i), bundle));
  const sds: SdsService = createSdsService({
    attestation: new HeaderAttestation(),
    views,
    logger: createLogger({ level: 'warn', service: 'bench-sds', destination: silent }),
    config: {},
  });
  server.addService(sds.definition, sds.implementation);
  // The selectors of each workload, made once: the timed part applies views, it does not build inputs.
  const selectors = Array.from({ length: workloads }, (_, i) => selectorsOf(workloadName(i)));
  let next: WorkloadView[] | undefined;
  return {
    prepare(kind) {
      if (kind === 'ca') {
        ids.rotateCa();
        bundle = ids.bundle();
      }
      next = [];
      for (let i = 0; i < workloads; i++) next.push(view(ids.svid(i), bundle));
    },
    rotate() {
      if (next === undefined) throw new Error('rotate before prepare');
      for (let i = 0; i < workloads; i++) views.set(selectors[i]!, next[i]!);
      next = undefined;
    },
    streams: () => sds.stats().streams.sotw,
    groups: () => sds.stats().groups,
  };
}

interface BareStream {
  readonly call: grpc.ServerDuplexStream<Buffer, Buffer>;
  readonly name: string;
  /** The workload number of the stream's caller (from its `x-bench-workload` metadata). */
  readonly workload: number;
}

function pemOf(der: Uint8Array): string {
  return new X509Certificate(der).toString();
}

/** The workload number of `name` (`w<i>`). */
function workloadNumber(name: unknown): number {
  const i = typeof name === 'string' && /^w\d+$/.test(name) ? Number(name.slice(1)) : NaN;
  if (!Number.isSafeInteger(i)) throw new Error(`no ${BENCH_WORKLOAD_HEADER} metadata`);
  return i;
}

function bareServer(server: grpc.Server, workloads: number): FanoutServer {
  const protos = sdsProtos();
  const method = protos.service['StreamSecrets']!;
  const ids = new Identities();
  let sequence = 0;
  // The same sizes as Signet's: a 16-hex-digit content version, a 16-character nonce.
  const encodeResponse = (secret: object): Buffer => {
    const value = protos.Secret.encode(protos.Secret.fromObject(secret)).finish();
    const version = createHash('sha256').update(value).digest('hex').slice(0, 16);
    const nonce = (++sequence).toString(16).padStart(16, '0');
    return method.responseSerialize({ version_info: version, resources: [{ type_url: SECRET_TYPE_URL, value }], type_url: SECRET_TYPE_URL, nonce });
  };
  const encodeSvid = (svid: WorkloadSvid): Buffer =>
    encodeResponse({
      name: 'default',
      tls_certificate: {
        certificate_chain: { inline_bytes: Buffer.from(svid.certChain.map(pemOf).join('')) },
        private_key: { inline_bytes: Buffer.from(ids.keyPem) },
      },
    });
  const encodeBundle = (): Buffer => {
    const pem = ids.bundle().x509Authorities.map(pemOf).join('');
    const validator = protos.SpiffeValidatorConfig.encode(
      protos.SpiffeValidatorConfig.fromObject({ trust_domains: [{ name: BENCH_TRUST_DOMAIN, trust_bundle: { inline_bytes: Buffer.from(pem) } }] }),
    ).finish();
    return encodeResponse({
      name: 'ROOTCA',
      validation_context: { custom_validator_config: { name: SPIFFE_VALIDATOR_NAME, typed_config: { type_url: SPIFFE_VALIDATOR_TYPE_URL, value: validator } } },
    });
  };
  // The bytes Signet pushes: each workload's own SVID and the one bundle every workload shares. As
  // in Signet, an SVID is minted for every workload beforehand and its secret encoded when a stream
  // first asks for it (so that both servers' idle memory holds the same); a rotation's secrets are
  // all encoded when it is prepared, so that the bare server only writes.
  let held: WorkloadSvid[] = [];
  for (let i = 0; i < workloads; i++) held.push(ids.svid(i));
  let svids: (Buffer | undefined)[] = new Array(workloads);
  let bundle = encodeBundle();
  const responseFor = (s: BareStream): Buffer | undefined => {
    if (s.name === 'ROOTCA') return bundle;
    if (s.name !== 'default' || s.workload >= workloads) return undefined;
    return (svids[s.workload] ??= encodeSvid(held[s.workload]!));
  };
  const open = new Set<BareStream>();
  const definition: grpc.ServiceDefinition = {
    StreamSecrets: {
      path: method.path,
      requestStream: true,
      responseStream: true,
      originalName: 'StreamSecrets',
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    },
  };
  server.addService(definition, {
    StreamSecrets: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      let stream: BareStream | undefined;
      call.on('data', (raw: Buffer) => {
        if (stream !== undefined) return; // an ACK: ignored
        const request = method.requestDeserialize(raw) as { resource_names?: string[] };
        stream = { call, name: request.resource_names?.[0] ?? '', workload: workloadNumber(call.metadata.get(BENCH_WORKLOAD_HEADER)[0]) };
        open.add(stream);
        const response = responseFor(stream);
        if (response !== undefined) call.write(response);
      });
      const done = (): void => {
        if (stream !== undefined) open.delete(stream);
      };
      call.on('end', () => {
        done();
        call.end();
      });
      call.on('error', done);
      call.on('cancelled', done);
    },
  });
  let rotated: string[] = [];
  return {
    prepare(kind) {
      if (kind === 'ca') ids.rotateCa();
      held = [];
      for (let i = 0; i < workloads; i++) held.push(ids.svid(i));
      svids = held.map(encodeSvid);
      rotated = ['default'];
      if (kind === 'ca') {
        bundle = encodeBundle();
        rotated.push('ROOTCA');
      }
    },
    rotate() {
      for (const s of open) {
        if (!rotated.includes(s.name)) continue;
        s.call.write(responseFor(s)!);
      }
    },
    streams: () => open.size,
    groups: () => 0,
  };
}

function reply(message: ServerReply): void {
  process.send?.(message);
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect !== undefined) {
    collect();
    collect();
  }
}

/** Garbage collections of this process so far. */
const gcTotals = { major: 0, majorMs: 0, minorMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) {
      gcTotals.major++;
      gcTotals.majorMs += entry.duration;
    } else if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) gcTotals.minorMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

let fanout: FanoutServer | undefined;
let grpcServer: grpc.Server | undefined;

process.on('message', (raw: unknown) => {
  const request = raw as ServerRequest;
  void (async () => {
    try {
      switch (request.type) {
        case 'init': {
          grpcServer = new grpc.Server(workloadServerOptions(65_536));
          fanout = request.mode === 'signet' ? signetServer(grpcServer, request.workloads) : bareServer(grpcServer, request.workloads);
          const server = grpcServer;
          await new Promise<void>((resolve, reject) =>
            server.bindAsync(`unix:${request.socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
          );
          reply({ type: 'ready', pid: process.pid });
          break;
        }
        case 'memory': {
          gc();
          await new Promise((r) => setTimeout(r, 50));
          gc();
          const m = process.memoryUsage();
          reply({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers });
          break;
        }
        case 'prepare': {
          const t0 = performance.now();
          fanout!.prepare(request.kind);
          gc();
          reply({ type: 'prepared', ms: performance.now() - t0 });
          break;
        }
        case 'rotate': {
          const t0 = performance.now();
          fanout!.rotate();
          // Signet pushes from the views' microtask; both write from this turn of the loop.
          await new Promise((r) => setImmediate(r));
          reply({ type: 'rotated', ms: performance.now() - t0 });
          break;
        }
        case 'stats':
          reply({ type: 'stats', streams: fanout!.streams(), groups: fanout!.groups() });
          break;
        case 'gc':
          reply({ type: 'gc', ...gcTotals });
          break;
        case 'exit':
          grpcServer?.forceShutdown();
          process.exit(0);
      }
    } catch (err) {
      reply({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
