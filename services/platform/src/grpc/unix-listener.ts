/**
 * A gRPC listener on a Unix socket, without TLS: the socket file's permissions say who may
 * connect. On an admin socket every caller is `admin`; on another, `anonymous`.
 * @module
 */
import { createServer, type Socket } from 'node:net';
import { ServerCredentials, type Server as GrpcJsServer } from '@grpc/grpc-js';
import type { Caller } from '../api/caller.js';
import type { ResolvedCaller } from './invoke.js';
import { closeNetServer, type Listener } from './listener.js';
import { ADMIN_SOCKET_MODE, listenUnixSocket, removeUnixSocket, type UnixSocketFile } from './unix-socket.js';

/** Options of `GrpcServer.listenUnix`. */
export interface UnixListenOptions {
  /** Whether callers on this socket are admins (the file mode is their authentication). */
  readonly admin: boolean;
  /** File mode of the socket (default `0o600`). */
  readonly mode?: number;
}

const ADMIN: ResolvedCaller = Object.freeze({ caller: Object.freeze({ kind: 'admin', via: 'unix' }) satisfies Caller });
const ANONYMOUS: ResolvedCaller = Object.freeze({ caller: Object.freeze({ kind: 'anonymous', via: 'unix' }) satisfies Caller });

/** Opens a Unix-socket listener feeding `grpcServer`. */
export async function openUnixListener(path: string, options: UnixListenOptions, grpcServer: GrpcJsServer): Promise<Listener> {
  const injector = grpcServer.createConnectionInjector(ServerCredentials.createInsecure());
  const server = createServer();
  server.on('connection', (socket: Socket) => {
    if (!socket.destroyed) injector.injectConnection(socket);
  });
  let file: UnixSocketFile;
  try {
    file = await listenUnixSocket(server, path, options.mode ?? ADMIN_SOCKET_MODE);
  } catch (err) {
    injector.destroy();
    throw err;
  }
  const resolved = options.admin ? ADMIN : ANONYMOUS;
  return {
    address: { kind: 'unix', path, admin: options.admin },
    resolveCaller: () => resolved,
    stopAccepting: () => closeNetServer(server),
    destroyPending: () => {},
    cleanup: () => removeUnixSocket(file),
  };
}
