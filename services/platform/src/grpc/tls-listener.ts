/**
 * A gRPC listener on TCP with TLS terminated here, so the peer's chain can be verified with the
 * SPIFFE rules and its identity kept per connection; the decrypted connection is then handed to
 * grpc-js.
 * @module
 */
import type { Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { ServerCredentials, type Server as GrpcJsServer } from '@grpc/grpc-js';
import { ApiError } from '../api/api-error.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { ResolvedCaller } from './invoke.js';
import { closeNetServer, type Listener, type ServerSurfaceCall } from './listener.js';
import { RotatingServerContext, type TlsCredentialSources } from './tls/server-context.js';
import type { PeerClassifier } from './tls/sources.js';
import { verifyTlsPeer, type PeerVerdict } from './tls/verified-peer.js';

/** TLS settings of a TCP listener. */
export interface ServerTlsOptions extends TlsCredentialSources {
  /**
   * `required` (default): connections without a client X.509-SVID that verifies are closed right
   * after the handshake. `optional`: they stay, as anonymous callers (for node attestation); a
   * certificate that does not verify makes every call of the connection UNAUTHENTICATED.
   */
  readonly clientCertificates?: 'required' | 'optional';
  /** Longest TLS handshake, in milliseconds (default 10 s). */
  readonly handshakeTimeoutMs?: number;
}

/** What a TLS listener needs from its server. */
export interface TlsListenerDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly classifyPeer: PeerClassifier;
}

interface Connection {
  readonly socket: TLSSocket;
  readonly verdict: PeerVerdict;
}

/** How grpc-js names a call's peer (`getPeer()`): the remote address and port of its socket. */
function peerKey(socket: { remoteAddress?: string | undefined; remotePort?: number | undefined }): string | undefined {
  if (socket.remoteAddress === undefined) return undefined;
  return socket.remotePort ? `${socket.remoteAddress}:${socket.remotePort}` : socket.remoteAddress;
}

/** Opens a TLS listener on `host:port` (0 picks a free port) feeding `grpcServer`. */
export async function openTlsListener(
  host: string,
  port: number,
  tls: ServerTlsOptions,
  grpcServer: GrpcJsServer,
  deps: TlsListenerDeps,
): Promise<Listener> {
  const required = (tls.clientCertificates ?? 'required') === 'required';
  const credentials = new RotatingServerContext(tls, deps.logger);
  const server = createServer({
    ...credentials.options(),
    ALPNProtocols: ['h2'],
    requestCert: true,
    // The chain is checked below with verifyX509Svid, against the bundle current at the handshake.
    rejectUnauthorized: false,
    handshakeTimeout: tls.handshakeTimeoutMs ?? 10_000,
  });
  credentials.attach(server);
  const injector = grpcServer.createConnectionInjector(ServerCredentials.createInsecure());
  const connections = new Map<string, Connection>();
  const pending = new Set<Socket>();

  server.on('connection', (raw: Socket) => {
    pending.add(raw);
    raw.once('close', () => pending.delete(raw));
  });
  server.on('tlsClientError', (err, socket) => {
    deps.logger.debug({ err, peer: peerKey(socket) }, 'tls: handshake failed');
  });
  let accepting = true;
  server.on('secureConnection', (socket: TLSSocket) => {
    if (!accepting) {
      socket.destroy();
      return;
    }
    const verdict = verifyTlsPeer(socket, tls.bundleSource, deps.clock.now());
    const key = peerKey(socket);
    if (required && verdict.kind !== 'verified') {
      const reason = verdict.kind === 'none' ? 'no client certificate' : verdict.reason;
      deps.logger.warn({ peer: key, reason }, 'tls: refused a client without a valid X.509-SVID');
      socket.destroy();
      return;
    }
    if (verdict.kind === 'rejected') deps.logger.warn({ peer: key, reason: verdict.reason }, 'tls: client certificate rejected');
    if (key === undefined) {
      socket.destroy();
      return;
    }
    connections.set(key, { socket, verdict });
    socket.once('close', () => {
      if (connections.get(key)?.socket === socket) connections.delete(key);
    });
    injector.injectConnection(socket);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error(`tls listener on ${host}:${port} has no TCP address`);

  const resolveCaller = (call: ServerSurfaceCall): ResolvedCaller => {
    const address = call.getPeer();
    const connection = connections.get(address);
    if (connection === undefined) {
      return { caller: { kind: 'anonymous', via: 'tcp', address }, problem: new ApiError('unauthenticated', 'the connection of this call is not known') };
    }
    const { verdict } = connection;
    if (verdict.kind === 'none') return { caller: { kind: 'anonymous', via: 'tcp', address } };
    if (verdict.kind === 'rejected') {
      const problem = new ApiError('unauthenticated', `the client certificate was rejected: ${verdict.reason}`);
      return { caller: { kind: 'anonymous', via: 'tcp', address }, problem };
    }
    const spiffeId = verdict.peer.id.toString();
    const stale = verdict.peer.problem(tls.bundleSource, deps.clock.now());
    if (stale !== undefined) return { caller: { kind: 'anonymous', via: 'tcp', address, spiffeId }, problem: new ApiError('unauthenticated', stale) };
    let role;
    try {
      role = deps.classifyPeer(verdict.peer.id);
    } catch (err) {
      deps.logger.error({ err, spiffe_id: spiffeId }, 'classifyPeer failed; treating the peer as anonymous');
      role = undefined;
    }
    if (role === undefined) return { caller: { kind: 'anonymous', via: 'tcp', address, spiffeId } };
    return { caller: { kind: role, via: 'mtls', spiffeId } };
  };

  return {
    address: { kind: 'tcp', host: bound.address, port: bound.port },
    resolveCaller,
    stopAccepting: () => {
      accepting = false;
      return closeNetServer(server);
    },
    destroyPending: () => {
      for (const socket of pending) if (!connections.has(peerKey(socket) ?? '')) socket.destroy();
    },
    cleanup: async () => {},
  };
}
