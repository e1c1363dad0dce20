/**
 * Simulated Envoys for the SDS fan-out benchmark: each proxy is one grpc-js client with its own
 * HTTP/2 connection (`grpc.use_local_subchannel_pool`) on which it opens two `StreamSecrets`
 * streams, `default` (its SVID) and `ROOTCA` (its bundle), sends the node on the first request of
 * each, and ACKs every response as Envoy does (version and nonce of the response, same names).
 * Responses are decoded only as far as the `DiscoveryResponse` (the `Secret` bytes are kept as is).
 */
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { envoyProtoDirs, SECRET_TYPE_URL } from '../../../services/agent/dist/sds/index.js';

/** The names each proxy asks for, one stream each. */
export const SECRET_NAMES = ['default', 'ROOTCA'] as const;

interface RawResponse {
  readonly version_info: string;
  readonly resources: readonly { readonly type_url: string; readonly value: Buffer }[];
  readonly type_url: string;
  readonly nonce: string;
}

/** A grpc-js client of `envoy.service.secret.v3.SecretDiscoveryService`. */
export type SdsClient = grpc.Client & { StreamSecrets(metadata: grpc.Metadata): grpc.ClientDuplexStream<object, RawResponse> };

/** A client of the SDS service on the Unix socket `socketPath`, with its own connection. */
export function createSdsClient(socketPath: string): SdsClient {
  const Ctor = clientConstructor();
  return new Ctor(`unix:${socketPath}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }) as unknown as SdsClient;
}

let ctor: grpc.ServiceClientConstructor | undefined;

function clientConstructor(): grpc.ServiceClientConstructor {
  if (ctor === undefined) {
    const definition = protoLoader.loadSync('envoy/service/secret/v3/sds.proto', {
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
      includeDirs: envoyProtoDirs(),
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      envoy: { service: { secret: { v3: { SecretDiscoveryService: grpc.ServiceClientConstructor } } } };
    };
    ctor = loaded.envoy.service.secret.v3.SecretDiscoveryService;
  }
  return ctor;
}

/** Collects the arrival times of one push across streams. */
export class PushTracker {
  #pending = 0;
  #t0 = 0;
  #resolve: (() => void) | undefined;
  readonly latencies: number[] = [];
  /** Responses on streams that were not expected to get one during the rotation. */
  unexpected = 0;

  /** Marks `streams` as expecting one response each; `t0` is the trigger time (performance.now()). */
  expect(streams: readonly SimStream[], t0: number): Promise<void> {
    this.#t0 = t0;
    this.#pending = streams.length;
    this.latencies.length = 0;
    this.unexpected = 0;
    for (const s of streams) s.tracker = this;
    return new Promise((resolve) => {
      this.#resolve = resolve;
      if (this.#pending === 0) resolve();
    });
  }

  /** Called by a stream on its first response after {@link expect}. */
  arrived(at: number): void {
    this.latencies.push(at - this.#t0);
    if (--this.#pending === 0) this.#resolve?.();
  }

  get pending(): number {
    return this.#pending;
  }
}

/** One `StreamSecrets` stream of a simulated Envoy. */
export class SimStream {
  readonly name: string;
  readonly #call: grpc.ClientDuplexStream<object, RawResponse>;
  responses = 0;
  /** performance.now() of the first response. */
  firstAt: number | undefined;
  version = '';
  /** Size of the last `Secret` received, in bytes. */
  secretBytes = 0;
  tracker: PushTracker | undefined;
  /** Set while no tracker expects a response: counts stray pushes. */
  strays: { unexpected: number } | undefined;
  #first: { resolve: () => void; reject: (e: Error) => void } | undefined;
  readonly first: Promise<void>;
  #failed: Error | undefined;

  constructor(client: SdsClient, metadata: grpc.Metadata, name: string, node: object) {
    this.name = name;
    this.first = new Promise((resolve, reject) => (this.#first = { resolve, reject }));
    this.first.catch(() => undefined);
    const call = client.StreamSecrets(metadata);
    this.#call = call;
    call.on('data', (r: RawResponse) => {
      const at = performance.now();
      this.responses++;
      this.firstAt ??= at;
      this.version = r.version_info;
      this.secretBytes = r.resources[0]?.value.length ?? 0;
      // ACK, as Envoy does: the version and nonce of the response, the same names.
      call.write({ version_info: r.version_info, node: null, resource_names: [this.name], type_url: SECRET_TYPE_URL, response_nonce: r.nonce, error_detail: null });
      const tracker = this.tracker;
      if (tracker !== undefined) {
        this.tracker = undefined;
        tracker.arrived(at);
      } else if (this.strays !== undefined) this.strays.unexpected++;
      if (this.#first !== undefined) {
        this.#first.resolve();
        this.#first = undefined;
      }
    });
    call.on('error', (err: grpc.ServiceError) => {
      if (err.code === grpc.status.CANCELLED) return;
      this.#failed = new Error(`${this.name}: ${err.code} ${err.details}`);
      this.#first?.reject(this.#failed);
      this.#first = undefined;
    });
    call.write({ version_info: '', node, resource_names: [name], type_url: SECRET_TYPE_URL, response_nonce: '', error_detail: null });
  }

  get failed(): Error | undefined {
    return this.#failed;
  }

  cancel(): void {
    this.#call.cancel();
  }
}

/** One simulated Envoy: one connection, two streams. */
export class SimEnvoy {
  readonly #client: SdsClient;
  readonly streams: SimStream[];

  constructor(socketPath: string, workload: string, workloadHeader: string) {
    this.#client = createSdsClient(socketPath);
    const metadata = new grpc.Metadata();
    metadata.set(workloadHeader, workload);
    const node = { id: `sidecar~10.0.0.1~${workload}~bench`, cluster: workload };
    this.streams = SECRET_NAMES.map((name) => new SimStream(this.#client, metadata, name, node));
  }

  /** Resolves once both streams got their first response. */
  ready(): Promise<void> {
    return Promise.all(this.streams.map((s) => s.first)).then(() => undefined);
  }

  close(): void {
    for (const s of this.streams) s.cancel();
    this.#client.close();
  }
}

/**
 * Opens `count` simulated Envoys on `socketPath`, `concurrency` at a time (opening thousands of
 * Unix-socket connections at once overflows the listen backlog: `connect EAGAIN`), each ready
 * (both first responses received) before its slot opens the next. Rejects if one fails or takes
 * longer than `timeoutMs`.
 */
export async function openEnvoys(
  socketPath: string,
  count: number,
  workloadName: (i: number) => string,
  workloadHeader: string,
  opts: { readonly concurrency?: number; readonly timeoutMs?: number; readonly onProgress?: (opened: number) => void } = {},
): Promise<SimEnvoy[]> {
  const envoys: SimEnvoy[] = new Array(count);
  let next = 0;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const envoy = new SimEnvoy(socketPath, workloadName(i), workloadHeader);
      envoys[i] = envoy;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          envoy.ready(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`envoy ${i} not ready within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
      if (i % 500 === 499) opts.onProgress?.(i + 1);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 32 }, worker));
  return envoys;
}
