/**
 * gRPC clients of Signet's services: over SPIFFE mTLS to a TCP target, or in plaintext to a
 * Unix socket (the admin socket), always propagating the caller's trace context.
 * @module
 */
import { isIP } from 'node:net';
import {
  credentials as grpcCredentials,
  experimental,
  makeClientConstructor,
  type ChannelOptions,
  type Interceptor,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { ClientOf } from './protos.js';
import { spiffeChannelCredentials, type SpiffeClientTlsOptions } from './tls/client-credentials.js';
import { traceContextInterceptor } from './trace-context.js';

/** Options of {@link createGrpcClient}. TLS fields are required for TCP targets and ignored for Unix sockets. */
export interface GrpcClientOptions extends Partial<SpiffeClientTlsOptions> {
  /** grpc-js channel options (keepalive, message sizes, …). */
  readonly channelOptions?: ChannelOptions;
  /** More interceptors, run after the trace-context one. */
  readonly interceptors?: readonly Interceptor[];
}

/** Server name sent (as SNI) when the target is an IP address, which TLS does not allow there. */
const IP_TARGET_SERVER_NAME = 'signet';

/** True for `unix:` targets (`unix:///run/signet/admin.sock`, `unix:/run/…`, `unix:relative`). */
export function isUnixTarget(target: string): boolean {
  return target.startsWith('unix:') || target.startsWith('unix-abstract:');
}

/**
 * Creates a client for `definition` at `target`. A `unix:` target is reached without TLS (the
 * socket's permissions authenticate the caller); any other target with SPIFFE mTLS, which needs
 * `bundleSource` and `expectedServerId` (and `svidSource` unless calling anonymously).
 *
 * @example
 * ```ts
 * const protos = signetProtos();
 * const admin = createGrpcClient(protos.registrar, 'unix:///run/signet/admin.sock');
 * const ca = createGrpcClient(protos.ca, 'ca.signet.svc:8081', { svidSource, bundleSource, expectedServerId: matchId(caId) });
 * const res = await unaryCall<MintX509SvidResponse__Output>((cb) => ca.MintX509Svid(req, cb));
 * ```
 */
export function createGrpcClient<D extends ServiceDefinition>(definition: D, target: string, options: GrpcClientOptions = {}): ClientOf<D> {
  const Constructor = makeClientConstructor(definition, 'SignetService');
  const interceptors = [traceContextInterceptor, ...(options.interceptors ?? [])];
  if (isUnixTarget(target)) {
    return new Constructor(target, grpcCredentials.createInsecure(), { ...options.channelOptions, interceptors }) as unknown as ClientOf<D>;
  }
  if (options.bundleSource === undefined || options.expectedServerId === undefined) {
    throw new TypeError(`createGrpcClient: ${target} is a TCP target; bundleSource and expectedServerId are required for SPIFFE mTLS`);
  }
  const channelCredentials = spiffeChannelCredentials({ ...options, bundleSource: options.bundleSource, expectedServerId: options.expectedServerId });
  const host = targetHost(target);
  const channelOptions: ChannelOptions = {
    ...(host !== undefined && isIP(host) !== 0 ? { 'grpc.ssl_target_name_override': IP_TARGET_SERVER_NAME } : {}),
    ...options.channelOptions,
  };
  return new Constructor(target, channelCredentials, { ...channelOptions, interceptors }) as unknown as ClientOf<D>;
}

/** The host of a `host:port`, `[v6]:port` or `scheme:///host:port` target. */
function targetHost(target: string): string | undefined {
  const withoutScheme = target.replace(/^dns:(\/\/[^/]*\/)?|^ipv[46]:/, '');
  return experimental.splitHostPort(withoutScheme.split(',')[0] ?? '')?.host;
}
