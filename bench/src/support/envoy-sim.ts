/**
 * Simulated Envoys for the SDS benchmarks: each proxy is one HTTP/2 connection on the agent's Unix
 * socket on which it opens two `StreamSecrets` streams, `default` (its SVID) and `ROOTCA` (its
 * bundle), sends the node on the first request of each, and ACKs every response as Envoy does
 * (version and nonce of the response, same names).
 *
 * The client speaks gRPC over `node:http2` directly (length-prefixed messages, `grpc-status`
 * trailers), as Envoy's own gRPC client does over its HTTP/2 codec, instead of going through a
 * grpc-js client: a real Envoy decodes a response in a few microseconds of C++, and a grpc-js
 * client spends several tens of microseconds of JavaScript per message, which on a 2-core machine
 * shared with the server measured the client more than the server. A response is read only as
 * far as an ACK needs (`version_info`, `nonce`, and the size of the first resource); ACKs are
 * written field by field.
 */
import * as http2 from 'node:http2';
import { connect as netConnect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SDS_SERVICE_NAME, SECRET_TYPE_URL, sdsProtos } from '../../../services/agent/dist/sds/index.js';
import { stringFieldSize, writeStringField } from '../../../services/agent/dist/sds/protobuf-wire.js';

/** The names each proxy asks for, one stream each. */
export const SECRET_NAMES = ['default', 'ROOTCA'] as const;

const STREAM_SECRETS_PATH = `/${SDS_SERVICE_NAME}/StreamSecrets`;

/** One HTTP/2 connection to an SDS server (what one Envoy holds). */
export interface SdsClient {
  readonly session: http2.ClientHttp2Session;
  close(): void;
}

/** A client connection to the SDS server on the Unix socket `socketPath`. */
export function createSdsClient(socketPath: string): SdsClient {
  const session = http2.connect('http://localhost', { createConnection: () => netConnect(socketPath) });
  // Failures surface on the streams; an unhandled session error must not end the benchmark.
  session.on('error', () => undefined);
  return { session, close: () => session.close() };
}

/** What an ACK needs of a `DiscoveryResponse`, read from its wire bytes. */
interface ResponseFields {
  version: string;
  nonce: string;
  /** Bytes of the first resource's `Any.value` (the `Secret`). */
  secretBytes: number;
}

/** Reads a varint at `pos` of `buf`: [value, next position]. */
function varint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, pos];
    shift += 7;
  }
}

/** Position after the field of wire type `wire` whose value starts at `pos`. */
function skipField(buf: Buffer, pos: number, wire: number): number {
  switch (wire) {
    case 0:
      return varint(buf, pos)[1];
    case 1:
      return pos + 8;
    case 2: {
      const [len, at] = varint(buf, pos);
      return at + len;
    }
    case 5:
      return pos + 4;
    default:
      throw new Error(`unexpected wire type ${wire}`);
  }
}

/** The size of field 2 (`value`) of an encoded `Any`. */
function anyValueBytes(buf: Buffer, start: number, end: number): number {
  let pos = start;
  while (pos < end) {
    const [tag, at] = varint(buf, pos);
    if (tag === 0x12) return varint(buf, at)[0];
    pos = skipField(buf, at, tag & 7);
  }
  return 0;
}

/** `version_info` (1), the first of `resources` (2) and `nonce` (5) of a `DiscoveryResponse`. */
function readResponse(buf: Buffer): ResponseFields {
  const out: ResponseFields = { version: '', nonce: '', secretBytes: 0 };
  let first = true;
  let pos = 0;
  while (pos < buf.length) {
    const [tag, at] = varint(buf, pos);
    if (tag === 0x0a || tag === 0x2a || tag === 0x12) {
      const [len, from] = varint(buf, at);
      if (tag === 0x0a) out.version = buf.toString('utf8', from, from + len);
      else if (tag === 0x2a) out.nonce = buf.toString('utf8', from, from + len);
      else if (first) {
        out.secretBytes = anyValueBytes(buf, from, from + len);
        first = false;
      }
      pos = from + len;
    } else pos = skipField(buf, at, tag & 7);
  }
  return out;
}

/**
 * The gRPC frame (flag, length, message) of the ACK `DiscoveryRequest { version_info = 1,
 * resource_names = 3, type_url = 4, response_nonce = 5 }` for a response of `version` and `nonce`.
 */
function ackFrame(name: string, version: string, nonce: string): Buffer {
  const length = stringFieldSize(version) + stringFieldSize(name) + stringFieldSize(SECRET_TYPE_URL) + stringFieldSize(nonce);
  const frame = Buffer.allocUnsafe(5 + length);
  frame[0] = 0;
  frame.writeUInt32BE(length, 1);
  let pos = writeStringField(frame, 5, 0x0a, version);
  pos = writeStringField(frame, pos, 0x1a, name);
  pos = writeStringField(frame, pos, 0x22, SECRET_TYPE_URL);
  writeStringField(frame, pos, 0x2a, nonce);
  return frame;
}

/** The gRPC frame of the first `DiscoveryRequest` of a stream (with the node). */
function firstRequestFrame(name: string, node: object): Buffer {
  const method = sdsProtos().service['StreamSecrets']!;
  const message = method.requestSerialize({ version_info: '', node, resource_names: [name], type_url: SECRET_TYPE_URL, response_nonce: '' });
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
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
  readonly #stream: http2.ClientHttp2Stream;
  /** Received bytes not yet forming a whole gRPC message. */
  #partial: Buffer | undefined;
  #cancelled = false;
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

  /** Opens the stream on `client`'s connection; `headers` are sent as request metadata. */
  constructor(client: SdsClient, headers: Readonly<Record<string, string>>, name: string, node: object) {
    this.name = name;
    this.first = new Promise((resolve, reject) => (this.#first = { resolve, reject }));
    this.first.catch(() => undefined);
    const stream = client.session.request({
      ...headers,
      [http2.constants.HTTP2_HEADER_METHOD]: 'POST',
      [http2.constants.HTTP2_HEADER_PATH]: STREAM_SECRETS_PATH,
      [http2.constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      te: 'trailers',
    });
    this.#stream = stream;
    stream.on('response', (h) => this.#status(h));
    stream.on('trailers', (h) => this.#status(h));
    stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    stream.on('error', (err) => this.#fail(err.message));
    stream.on('close', () => {
      if (!this.#cancelled && this.#failed === undefined) this.#fail(`stream closed (HTTP/2 code ${stream.rstCode})`);
    });
    stream.write(firstRequestFrame(name, node));
  }

  get failed(): Error | undefined {
    return this.#failed;
  }

  cancel(): void {
    this.#cancelled = true;
    if (!this.#stream.closed) this.#stream.close(http2.constants.NGHTTP2_CANCEL);
  }

  #status(headers: http2.IncomingHttpHeaders): void {
    const status = headers['grpc-status'];
    if (status !== undefined && status !== '0') this.#fail(`grpc-status ${String(status)} ${String(headers['grpc-message'] ?? '')}`);
  }

  #fail(message: string): void {
    if (this.#cancelled || this.#failed !== undefined) return;
    this.#failed = new Error(`${this.name}: ${message}`);
    this.#first?.reject(this.#failed);
    this.#first = undefined;
  }

  #onData(chunk: Buffer): void {
    const at = performance.now();
    let buf = this.#partial === undefined ? chunk : Buffer.concat([this.#partial, chunk]);
    this.#partial = undefined;
    while (buf.length >= 5) {
      const length = buf.readUInt32BE(1);
      if (buf.length < 5 + length) break;
      this.#onMessage(buf.subarray(5, 5 + length), at);
      buf = buf.subarray(5 + length);
    }
    if (buf.length > 0) this.#partial = Buffer.from(buf);
  }

  #onMessage(message: Buffer, at: number): void {
    const r = readResponse(message);
    this.responses++;
    this.firstAt ??= at;
    this.version = r.version;
    this.secretBytes = r.secretBytes;
    // ACK, as Envoy does: the version and nonce of the response, the same names.
    this.#stream.write(ackFrame(this.name, r.version, r.nonce));
    const tracker = this.tracker;
    if (tracker !== undefined) {
      this.tracker = undefined;
      tracker.arrived(at);
    } else if (this.strays !== undefined) this.strays.unexpected++;
    if (this.#first !== undefined) {
      this.#first.resolve();
      this.#first = undefined;
    }
  }
}

/** One simulated Envoy: one connection, two streams. */
export class SimEnvoy {
  readonly #client: SdsClient;
  readonly streams: SimStream[];

  constructor(socketPath: string, workload: string, workloadHeader: string) {
    this.#client = createSdsClient(socketPath);
    const node = { id: `sidecar~10.0.0.1~${workload}~bench`, cluster: workload };
    this.streams = SECRET_NAMES.map((name) => new SimStream(this.#client, { [workloadHeader]: workload }, name, node));
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
