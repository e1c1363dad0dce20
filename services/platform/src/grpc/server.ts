/**
 * The gRPC server every Signet service runs: services as {@link ServiceImpl}s, listeners on Unix
 * sockets (admin or not) and on TCP with SPIFFE mTLS, and a graceful shutdown.
 * @module
 */
import { Server as GrpcJsServer, type ServerOptions, type ServiceDefinition } from '@grpc/grpc-js';
import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { ApiError } from '../api/api-error.js';
import type { ServiceImpl } from '../api/handler.js';
import { systemClock, type Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import { CallTracker } from './call-tracker.js';
import { checkServiceImpl, grpcImplementation } from './handlers.js';
import type { InvokeDeps, ResolvedCaller } from './invoke.js';
import type { ListenAddress, Listener, ServerSurfaceCall } from './listener.js';
import { createRpcMetrics } from './metrics.js';
import { openTlsListener, type ServerTlsOptions } from './tls-listener.js';
import type { PeerClassifier } from './tls/sources.js';
import { openUnixListener, type UnixListenOptions } from './unix-listener.js';

/** Options of {@link createGrpcServer}. */
export interface GrpcServerOptions {
  readonly logger: Logger;
  /** Where spans and RPC metrics go (default: the global tracer and meter `signet.grpc`). */
  readonly telemetry?: { readonly tracer?: Tracer; readonly meter?: Meter };
  /** Decides the role of a verified mTLS peer (default: none, so every mTLS peer is anonymous-with-identity). */
  readonly classifyPeer?: PeerClassifier;
  /** The time peer certificates are checked at (default: the system clock). */
  readonly clock?: Clock;
  /** Options for the underlying grpc-js servers (message sizes, keepalive, …). */
  readonly grpcOptions?: ServerOptions;
}

/** Options of {@link GrpcServer.listenTcp}. */
export interface TcpListenOptions {
  /** SPIFFE mTLS; plaintext TCP is not offered. */
  readonly tls: ServerTlsOptions;
}

/** A running gRPC server. */
export interface GrpcServer {
  /** Serves `impl` (methods by proto method name) on every listener, present and future. */
  addService(definition: ServiceDefinition, impl: ServiceImpl): void;
  /** Listens on a Unix socket (a stale socket file is removed first). */
  listenUnix(path: string, options: UnixListenOptions): Promise<Extract<ListenAddress, { kind: 'unix' }>>;
  /** Listens on TCP with SPIFFE mTLS; port 0 picks a free port. Resolves with the bound address. */
  listenTcp(host: string, port: number, options: TcpListenOptions): Promise<{ readonly host: string; readonly port: number }>;
  /** Where the server listens. */
  readonly addresses: readonly ListenAddress[];
  /**
   * Shuts down: stops accepting connections, ends streams at once (UNAVAILABLE, so clients
   * reconnect elsewhere), lets unary calls finish for up to `graceMs` (default 5000), then aborts
   * what is left and closes every connection.
   */
  close(graceMs?: number): Promise<void>;
}

interface Registered {
  readonly definition: ServiceDefinition;
  readonly impl: ServiceImpl;
}

interface Bound {
  readonly grpc: GrpcJsServer;
  readonly listener: Listener;
}

const NOT_READY: ResolvedCaller = Object.freeze({
  caller: Object.freeze({ kind: 'anonymous', via: 'tcp' }),
  problem: new ApiError('unavailable', 'the listener is starting'),
});

/**
 * Creates a gRPC server. Every call goes through the same steps: the caller is established by
 * the listener (admin socket → admin; mTLS → `classifyPeer` of the verified SPIFFE ID), `allow` is
 * enforced, the handler runs in a span with a bound logger, errors are mapped by `toGrpcStatus`,
 * and admin (and `audit: true`) calls are audited.
 *
 * @example
 * ```ts
 * const server = createGrpcServer({ logger, classifyPeer, telemetry: { tracer: telemetry.tracer('ca'), meter: telemetry.meter('ca') } });
 * server.addService(signetProtos().ca, caService);
 * await server.listenUnix(config.adminSocket, { admin: true });
 * const { port } = await server.listenTcp('0.0.0.0', 8081, { tls: { svidSource, bundleSource } });
 * lifecycle.add('grpc', () => server.close(5_000));
 * ```
 */
export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const deps: InvokeDeps = {
    logger: options.logger,
    tracer: options.telemetry?.tracer ?? trace.getTracer('signet.grpc'),
    metrics: createRpcMetrics(options.telemetry?.meter ?? metrics.getMeter('signet.grpc')),
  };
  const clock = options.clock ?? systemClock;
  const classifyPeer = options.classifyPeer ?? (() => undefined);
  const calls = new CallTracker();
  const services: Registered[] = [];
  const paths = new Set<string>();
  const bound: Bound[] = [];
  let closing: Promise<void> | undefined;

  const serve = (grpcServer: GrpcJsServer, service: Registered, resolveCaller: (call: ServerSurfaceCall) => ResolvedCaller): void => {
    grpcServer.addService(service.definition, grpcImplementation(service.definition, service.impl, { invoke: deps, calls, resolveCaller }));
  };

  const addListener = async (open: (grpcServer: GrpcJsServer) => Promise<Listener>): Promise<Listener> => {
    if (closing !== undefined) throw new Error('the gRPC server is closed');
    const grpcServer = new GrpcJsServer(options.grpcOptions);
    let listener: Listener | undefined;
    const resolveCaller = (call: ServerSurfaceCall): ResolvedCaller => (listener === undefined ? NOT_READY : listener.resolveCaller(call));
    for (const service of services) serve(grpcServer, service, resolveCaller);
    listener = await open(grpcServer);
    bound.push({ grpc: grpcServer, listener });
    const shown = listener.address.kind === 'unix' ? listener.address.path : `${listener.address.host}:${listener.address.port}`;
    options.logger.info({ address: shown, admin: listener.address.kind === 'unix' ? listener.address.admin : false }, 'grpc: listening');
    return listener;
  };

  return {
    addService(definition, impl) {
      const missing = checkServiceImpl(definition, impl);
      const methodPaths = Object.values(definition).map((m) => m.path);
      const taken = methodPaths.find((p) => paths.has(p));
      if (taken !== undefined) throw new TypeError(`addService: ${taken.slice(1)} is already served`);
      methodPaths.forEach((p) => paths.add(p));
      if (missing.length > 0) options.logger.debug({ methods: missing }, 'grpc: methods without a handler answer UNIMPLEMENTED');
      const service = { definition, impl };
      services.push(service);
      for (const b of bound) serve(b.grpc, service, (call) => b.listener.resolveCaller(call));
    },

    async listenUnix(path, unixOptions) {
      const listener = await addListener((grpcServer) => openUnixListener(path, unixOptions, grpcServer));
      return listener.address as Extract<ListenAddress, { kind: 'unix' }>;
    },

    async listenTcp(host, port, tcpOptions) {
      if (tcpOptions?.tls === undefined) throw new TypeError('listenTcp: tls options are required (SPIFFE mTLS)');
      const listener = await addListener((grpcServer) =>
        openTlsListener(host, port, tcpOptions.tls, grpcServer, { logger: options.logger, clock, classifyPeer }),
      );
      const address = listener.address as Extract<ListenAddress, { kind: 'tcp' }>;
      return { host: address.host, port: address.port };
    },

    get addresses() {
      return bound.map((b) => b.listener.address);
    },

    close(graceMs = 5_000) {
      closing ??= shutdown(bound, calls, graceMs, options.logger);
      return closing;
    },
  };
}

async function shutdown(bound: readonly Bound[], calls: CallTracker, graceMs: number, logger: Logger): Promise<void> {
  const closed = bound.map((b) => b.listener.stopAccepting());
  calls.abortStreams();
  const graceful = Promise.all(bound.map((b) => new Promise<void>((resolve) => b.grpc.tryShutdown(() => resolve()))));
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), graceMs);
  });
  const result = await Promise.race([graceful, expired]);
  clearTimeout(timer);
  if (result === 'expired') {
    logger.warn({ calls: calls.size, grace_ms: graceMs }, 'grpc: grace period over; aborting the remaining calls');
    calls.abortAll();
    for (const b of bound) b.grpc.forceShutdown();
  }
  for (const b of bound) b.listener.destroyPending();
  await Promise.all(closed);
  await Promise.all(bound.map((b) => b.listener.cleanup()));
  logger.info('grpc: closed');
}
