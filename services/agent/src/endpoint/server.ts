/**
 * The agent's workload endpoint: a gRPC server on a Unix socket whose every connection carries
 * the kernel's credentials of the process that made it.
 * @module
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Server as GrpcJsServer, ServerCredentials, type ServerOptions } from '@grpc/grpc-js';
import { metrics, type Meter } from '@opentelemetry/api';
import { listenUnixSocket, removeUnixSocket, type Logger, type UnixSocketFile } from '@signet/platform';
import { peerCredAddon } from '../peer/native.js';
import { peerOf } from '../peer/workload-peer.js';
import type { WorkloadAttestor } from '../workload-attestor/types.js';
import { createAttestationMetrics } from './attestation-metrics.js';
import { createCallerAttestation } from './attest-caller.js';
import { ConnectionTable, type Connection } from './connections.js';
import type { WorkloadEndpoint } from './types.js';

/** Options of {@link createWorkloadEndpoint}. */
export interface WorkloadEndpointOptions {
  /** The socket path (a stale socket file there is replaced; a live one is an error). */
  readonly path: string;
  /** The attestors every call's caller goes through, in the order their selectors are listed. */
  readonly attestors: readonly WorkloadAttestor[];
  readonly logger: Logger;
  /** File mode of the socket (default `0o777`: any local process may ask who it is). */
  readonly mode?: number;
  /**
   * Most concurrent HTTP/2 streams per connection (default 65 536). Envoy opens one SDS stream
   * per secret on a single connection, so this must be large.
   */
  readonly maxConcurrentStreams?: number;
  /** How long `close()` lets calls end by themselves before cutting them, in milliseconds (default 1000). */
  readonly closeGraceMs?: number;
  /** Where attestation metrics go (default: the global meter `signet-agent`). */
  readonly meter?: Meter;
  /** Where procfs is mounted (default `/proc`). */
  readonly procRoot?: string;
}

/** The default file mode of the workload socket. */
export const WORKLOAD_SOCKET_MODE = 0o777;

/**
 * The grpc-js options of the endpoint: many streams per connection, and connections kept as long
 * as clients keep them (SDS and Workload API streams live for hours); the server pings idle
 * connections every 5 minutes to drop ones whose peer hangs. Client pings are always answered.
 */
export function workloadServerOptions(maxConcurrentStreams: number): ServerOptions {
  return {
    'grpc.max_concurrent_streams': maxConcurrentStreams,
    'grpc.keepalive_time_ms': 5 * 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.keepalive_permit_without_calls': 1,
  };
}

/**
 * Creates the workload endpoint. `listen()` opens the socket (mode `0o777` unless told);
 * each accepted connection's peer is read from the kernel (pid, uid, gid, and a pidfd pinning the
 * process) before gRPC sees it, and `attestCaller(call)` runs the attestors on it. Connections
 * whose credentials cannot be read are closed.
 *
 * @example
 * ```ts
 * const endpoint = createWorkloadEndpoint({ path: join(dataDir, 'agent.sock'), attestors: [createUnixAttestor()], logger });
 * endpoint.addService(protos.workload, workloadApi(endpoint));
 * await endpoint.listen();
 * lifecycle.add('workload endpoint', () => endpoint.close());
 * ```
 */
export function createWorkloadEndpoint(options: WorkloadEndpointOptions): WorkloadEndpoint {
  const { path, logger } = options;
  const grpcServer = new GrpcJsServer(workloadServerOptions(options.maxConcurrentStreams ?? 65_536));
  const connections = new ConnectionTable();
  const attestation = createCallerAttestation({
    peerOf: (name) => connections.get(name)?.peer,
    attestors: options.attestors,
    metrics: createAttestationMetrics(options.meter ?? metrics.getMeter('signet-agent')),
    logger,
  });
  let netServer: NetServer | undefined;
  let file: UnixSocketFile | undefined;
  let listening: Promise<void> | undefined;
  let closing: Promise<void> | undefined;

  const accept = (socket: Socket, inject: (socket: Socket) => void): void => {
    if (socket.destroyed) return;
    if (closing !== undefined) {
      socket.destroy();
      return;
    }
    let connection: Connection;
    try {
      connection = connections.add(socket, peerOf(socket, options.procRoot === undefined ? {} : { procRoot: options.procRoot }));
    } catch (err) {
      logger.debug({ err }, 'workload endpoint: cannot read the peer credentials of a connection; closing it');
      socket.destroy();
      return;
    }
    const { name, peer } = connection;
    const { pid, uid, gid } = peer.credentials;
    logger.debug({ connection: name, peer_pid: pid, peer_uid: uid, peer_gid: gid }, 'workload endpoint: connection accepted');
    socket.once('close', () => logger.debug({ connection: name }, 'workload endpoint: connection closed'));
    inject(socket);
  };

  const open = async (): Promise<void> => {
    peerCredAddon(); // fails here, clearly, rather than on every connection
    const injector = grpcServer.createConnectionInjector(ServerCredentials.createInsecure());
    const server = createServer();
    server.on('connection', (socket: Socket) => accept(socket, (s) => injector.injectConnection(s)));
    try {
      file = await listenUnixSocket(server, path, options.mode ?? WORKLOAD_SOCKET_MODE);
    } catch (err) {
      injector.destroy();
      throw err;
    }
    netServer = server;
    logger.debug({ path }, 'workload endpoint: listening');
  };

  const shutdown = async (): Promise<void> => {
    if (listening !== undefined) await listening.catch(() => {});
    const server = netServer;
    const closed = server === undefined ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    const graceful = new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), options.closeGraceMs ?? 1_000);
    });
    const result = await Promise.race([graceful, expired]);
    clearTimeout(timer);
    if (result === 'expired') grpcServer.forceShutdown();
    connections.destroyAll();
    await closed;
    if (file !== undefined) await removeUnixSocket(file);
    logger.debug({ path, forced: result === 'expired' }, 'workload endpoint: closed');
  };

  return {
    path,
    addService(definition, implementation) {
      if (listening !== undefined || closing !== undefined) throw new Error('workload endpoint: addService must be called before listen()');
      grpcServer.addService(definition, implementation);
    },
    listen() {
      if (closing !== undefined) return Promise.reject(new Error('workload endpoint: closed'));
      listening ??= open();
      return listening;
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
    attestCaller: (call, signal) => attestation.attestCaller(call, signal),
  };
}
