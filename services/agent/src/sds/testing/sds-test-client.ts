/**
 * A test client of the SDS service: a grpc-js client generated with `@grpc/proto-loader` from
 * Envoy's protos, whose streams record every response (decoded, with timestamps) and check type
 * URLs. It plays Envoy's part: first request with a node, ACK/NACK of responses.
 * @module
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { SDS_LOADER_OPTIONS, SECRET_TYPE_URL, envoyProtoDirs } from '../protos.js';
import { decodeSecretAny, type DecodedSecret } from './decode.js';
import { TEST_WORKLOAD_HEADER } from './fake-attestation.js';
import { Recorder, type Timed } from './recorder.js';

/** A node as Envoy 1.30 sends it. */
export const ENVOY_NODE = Object.freeze({
  id: 'sidecar~10.0.0.1~web-1~default',
  cluster: 'web',
  user_agent_name: 'envoy',
  user_agent_build_version: { version: { major_number: 1, minor_number: 30, patch: 1 } },
});

/** A node of an Envoy too old for the SPIFFE validator. */
export const OLD_ENVOY_NODE = Object.freeze({
  id: 'old',
  cluster: 'old',
  user_agent_name: 'envoy',
  user_agent_build_version: { version: { major_number: 1, minor_number: 17, patch: 0 } },
});

/** A received SotW response. */
export interface SotwReply extends Timed {
  readonly versionInfo: string;
  readonly nonce: string;
  readonly typeUrl: string;
  readonly secrets: readonly DecodedSecret[];
  /** The secret names, in order. */
  readonly names: readonly string[];
}

/** A received Delta response. */
export interface DeltaReply extends Timed {
  readonly nonce: string;
  readonly systemVersionInfo: string;
  readonly typeUrl: string;
  readonly removed: readonly string[];
  readonly resources: readonly { readonly name: string; readonly version: string; readonly secret: DecodedSecret }[];
  readonly names: readonly string[];
}

/** A received FetchSecrets response. */
export interface FetchReply {
  readonly versionInfo: string;
  readonly nonce: string;
  readonly typeUrl: string;
  readonly secrets: readonly DecodedSecret[];
}

type SdsClient = grpc.Client & {
  StreamSecrets(metadata: grpc.Metadata): grpc.ClientDuplexStream<object, RawResponse>;
  DeltaSecrets(metadata: grpc.Metadata): grpc.ClientDuplexStream<object, RawDeltaResponse>;
  FetchSecrets(request: object, metadata: grpc.Metadata, callback: (err: grpc.ServiceError | null, response?: RawResponse) => void): grpc.ClientUnaryCall;
};

interface RawAny {
  readonly type_url: string;
  readonly value: Uint8Array;
}
interface RawResponse {
  readonly version_info: string;
  readonly resources: readonly RawAny[];
  readonly type_url: string;
  readonly nonce: string;
}
interface RawDeltaResponse {
  readonly system_version_info: string;
  readonly resources: readonly { readonly name: string; readonly version: string; readonly resource: RawAny | null }[];
  readonly type_url: string;
  readonly removed_resources: readonly string[];
  readonly nonce: string;
}

let clientCtor: grpc.ServiceClientConstructor | undefined;

function sdsClientConstructor(): grpc.ServiceClientConstructor {
  if (clientCtor === undefined) {
    const definition = protoLoader.loadSync('envoy/service/secret/v3/sds.proto', { ...SDS_LOADER_OPTIONS, includeDirs: envoyProtoDirs() });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      envoy: { service: { secret: { v3: { SecretDiscoveryService: grpc.ServiceClientConstructor } } } };
    };
    clientCtor = loaded.envoy.service.secret.v3.SecretDiscoveryService;
  }
  return clientCtor;
}

function checkTypeUrl(typeUrl: string): void {
  if (typeUrl !== SECRET_TYPE_URL) throw new Error(`response type_url is ${JSON.stringify(typeUrl)}, expected the Secret type URL`);
}

/** Base of the two test streams. */
abstract class TestStream<T extends Timed, Raw> extends Recorder<T> {
  /** The call's final status (once it ended). */
  readonly status: Promise<grpc.StatusObject>;
  #ended = false;
  protected readonly call: grpc.ClientDuplexStream<object, Raw>;

  constructor(call: grpc.ClientDuplexStream<object, Raw>) {
    super();
    this.call = call;
    this.status = new Promise((resolve) => call.on('status', resolve));
    call.on('data', (raw: Raw) => {
      try {
        this.record(this.decode(raw));
      } catch (err) {
        this.failWith(err as Error);
      }
    });
    call.on('error', (err: grpc.ServiceError) => this.failWith(new Error(`stream failed: ${err.code} ${err.details}`)));
    call.on('end', () => {
      this.#ended = true;
    });
  }

  /** Whether the server ended the stream. */
  get ended(): boolean {
    return this.#ended;
  }

  protected abstract decode(raw: Raw): T;

  /** Cancels the call (as Envoy does when it drops a secret). */
  cancel(): void {
    this.call.cancel();
  }

  /** Half-closes the call. */
  end(): void {
    this.call.end();
  }

  /** Pauses reading (a stalled client). */
  pause(): void {
    this.call.pause();
  }

  resume(): void {
    this.call.resume();
  }
}

/** Fields of a `DiscoveryRequest` a test sends. */
export interface SotwSend {
  readonly names?: readonly string[];
  readonly nonce?: string;
  readonly version?: string;
  readonly node?: object | null;
  readonly error?: { readonly code?: number; readonly message: string };
  readonly typeUrl?: string;
}

/** A `StreamSecrets` call. */
export class SotwTestStream extends TestStream<SotwReply, RawResponse> {
  /** The names of the latest request. */
  names: readonly string[] = [];
  /** The version of the latest ACKed response. */
  acceptedVersion = '';

  protected decode(raw: RawResponse): SotwReply {
    checkTypeUrl(raw.type_url);
    const secrets = raw.resources.map(decodeSecretAny);
    return { at: performance.now(), versionInfo: raw.version_info, nonce: raw.nonce, typeUrl: raw.type_url, secrets, names: secrets.map((s) => s.name) };
  }

  /** Sends a request. */
  send(request: SotwSend): void {
    if (request.names !== undefined) this.names = request.names;
    this.call.write({
      version_info: request.version ?? this.acceptedVersion,
      node: request.node === undefined ? null : request.node,
      resource_names: [...(request.names ?? this.names)],
      type_url: request.typeUrl ?? SECRET_TYPE_URL,
      response_nonce: request.nonce ?? '',
      error_detail: request.error === undefined ? null : { code: request.error.code ?? 13, message: request.error.message, details: [] },
    });
  }

  /** The first request of a stream, as Envoy sends it: names, the node, empty nonce. */
  subscribe(names: readonly string[], node: object | null = ENVOY_NODE): void {
    this.send({ names, node, nonce: '' });
  }

  /** ACKs `reply` (optionally changing the names). */
  ack(reply: SotwReply, names: readonly string[] = this.names): void {
    this.acceptedVersion = reply.versionInfo;
    this.send({ names, nonce: reply.nonce, version: reply.versionInfo });
  }

  /** NACKs `reply` with an Envoy-like error (optionally changing the names). */
  nack(reply: SotwReply, message = 'Failed to load certificate chain', names: readonly string[] = this.names): void {
    this.send({ names, nonce: reply.nonce, version: this.acceptedVersion, error: { code: 13, message } });
  }
}

/** Fields of a `DeltaDiscoveryRequest` a test sends. */
export interface DeltaSend {
  readonly subscribe?: readonly string[];
  readonly unsubscribe?: readonly string[];
  readonly initialVersions?: Readonly<Record<string, string>>;
  readonly nonce?: string;
  readonly node?: object | null;
  readonly error?: { readonly code?: number; readonly message: string };
}

/** A `DeltaSecrets` call. */
export class DeltaTestStream extends TestStream<DeltaReply, RawDeltaResponse> {
  protected decode(raw: RawDeltaResponse): DeltaReply {
    checkTypeUrl(raw.type_url);
    const resources = raw.resources.map((r) => {
      if (r.resource === null) throw new Error(`delta resource ${r.name} has no body`);
      return { name: r.name, version: r.version, secret: decodeSecretAny(r.resource) };
    });
    return {
      at: performance.now(),
      nonce: raw.nonce,
      systemVersionInfo: raw.system_version_info,
      typeUrl: raw.type_url,
      removed: raw.removed_resources,
      resources,
      names: resources.map((r) => r.name),
    };
  }

  send(request: DeltaSend): void {
    this.call.write({
      node: request.node === undefined ? null : request.node,
      type_url: SECRET_TYPE_URL,
      resource_names_subscribe: [...(request.subscribe ?? [])],
      resource_names_unsubscribe: [...(request.unsubscribe ?? [])],
      initial_resource_versions: { ...(request.initialVersions ?? {}) },
      response_nonce: request.nonce ?? '',
      error_detail: request.error === undefined ? null : { code: request.error.code ?? 13, message: request.error.message, details: [] },
    });
  }

  /** The first request of a stream: subscribe with the node (and initial versions on a reconnect). */
  subscribe(names: readonly string[], initialVersions: Readonly<Record<string, string>> = {}, node: object | null = ENVOY_NODE): void {
    this.send({ subscribe: names, initialVersions, node });
  }

  ack(reply: DeltaReply): void {
    this.send({ nonce: reply.nonce });
  }

  nack(reply: DeltaReply, message = 'Failed to load certificate chain'): void {
    this.send({ nonce: reply.nonce, error: { code: 13, message } });
  }
}

/** A client of the SDS service on a Unix socket, as one test workload. */
export class SdsTestClient {
  readonly #client: SdsClient;
  readonly #workload: string | undefined;
  readonly #calls: TestStream<Timed, unknown>[] = [];

  constructor(socketPath: string, options: { readonly workload?: string; readonly channelOptions?: grpc.ChannelOptions } = {}) {
    const Ctor = sdsClientConstructor();
    this.#client = new Ctor(`unix:${socketPath}`, grpc.credentials.createInsecure(), options.channelOptions ?? {}) as unknown as SdsClient;
    this.#workload = options.workload;
  }

  /** The underlying grpc-js client (for raw calls). */
  get raw(): grpc.Client {
    return this.#client;
  }

  #metadata(): grpc.Metadata {
    const md = new grpc.Metadata();
    if (this.#workload !== undefined) md.set(TEST_WORKLOAD_HEADER, this.#workload);
    return md;
  }

  /** Opens a `StreamSecrets` call. */
  sotw(): SotwTestStream {
    const stream = new SotwTestStream(this.#client.StreamSecrets(this.#metadata()));
    this.#calls.push(stream as unknown as TestStream<Timed, unknown>);
    return stream;
  }

  /** Opens a `DeltaSecrets` call. */
  delta(): DeltaTestStream {
    const stream = new DeltaTestStream(this.#client.DeltaSecrets(this.#metadata()));
    this.#calls.push(stream as unknown as TestStream<Timed, unknown>);
    return stream;
  }

  /** Calls `FetchSecrets`. */
  fetch(names: readonly string[], node: object | null = ENVOY_NODE): Promise<FetchReply> {
    return new Promise((resolve, reject) => {
      this.#client.FetchSecrets(
        { version_info: '', node, resource_names: [...names], type_url: SECRET_TYPE_URL, response_nonce: '' },
        this.#metadata(),
        (err, response) => {
          if (err !== null || response === undefined) {
            reject(err ?? new Error('no response'));
            return;
          }
          try {
            checkTypeUrl(response.type_url);
            resolve({ versionInfo: response.version_info, nonce: response.nonce, typeUrl: response.type_url, secrets: response.resources.map(decodeSecretAny) });
          } catch (e) {
            reject(e as Error);
          }
        },
      );
    });
  }

  /** Cancels open calls and closes the channel. */
  close(): void {
    for (const call of this.#calls) call.cancel();
    this.#client.close();
  }
}
