/**
 * The REST admin server (fastify) of the registrar: callers established like on gRPC (admin on
 * the Unix socket, SPIFFE mTLS on TCP), routes that call the gRPC methods' handlers, errors
 * through `toHttpStatus`.
 * @module
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiError } from '../api/api-error.js';
import { toHttpStatus } from '../api/status-map.js';
import { systemClock, type Clock } from '../clock.js';
import { CallTracker } from '../grpc/call-tracker.js';
import type { InvokeDeps, ResolvedCaller } from '../grpc/invoke.js';
import { createRpcMetrics } from '../grpc/metrics.js';
import { RotatingServerContext, type TlsCredentialSources } from '../grpc/tls/server-context.js';
import type { PeerClassifier } from '../grpc/tls/sources.js';
import { verifyTlsPeer, type PeerVerdict } from '../grpc/tls/verified-peer.js';
import { listenUnixSocket, removeUnixSocket, type UnixSocketFile } from '../grpc/unix-socket.js';
import type { Logger } from '../log/logger.js';
import { installErrorHandlers } from './error-handler.js';
import { mtlsCaller, setCaller } from './http-caller.js';
import { openApiDocument, type OpenApiInfo } from './openapi.js';
import type { RestRoute } from './rest-route.js';
import { registerRoute } from './route-handler.js';

/** Where the admin server listens. */
export type AdminHttpListen =
  | { readonly path: string; readonly mode?: number }
  | { readonly host: string; readonly port: number; readonly tls: TlsCredentialSources };

/** Options of {@link createAdminHttpServer}. */
export interface AdminHttpServerOptions {
  readonly logger: Logger;
  readonly listen: AdminHttpListen;
  /** Decides the role of a verified mTLS peer (default: none). */
  readonly classifyPeer?: PeerClassifier;
  readonly telemetry?: { readonly tracer?: Tracer; readonly meter?: Meter };
  /** The time peer certificates are checked at (default: the system clock). */
  readonly clock?: Clock;
  /** Largest request body in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
}

/** Where the admin server listens, once listening. */
export type AdminHttpAddress = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** A REST admin server, not yet listening. */
export interface AdminHttpServer {
  /** The fastify instance (for `inject` in tests, or extra routes before `listen`). */
  readonly app: FastifyInstance;
  /** Registers routes; only before {@link AdminHttpServer.listen}. */
  addRoutes(routes: readonly RestRoute[]): void;
  /** Serves the OpenAPI document of the routes registered so far (and later) at `path` (default `/openapi.json`). */
  serveOpenApi(info: OpenApiInfo, path?: string): void;
  listen(): Promise<AdminHttpAddress>;
  /** Stops accepting, lets requests in flight finish for up to `graceMs` (default 5000), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

const ADMIN: ResolvedCaller = Object.freeze({ caller: Object.freeze({ kind: 'admin' as const, via: 'unix' as const }) });

/**
 * Creates the REST admin server. Every request first gets a caller in an `onRequest` hook: on the
 * Unix socket, `admin`; on TCP, the verified mTLS peer classified by `classifyPeer`. A request
 * with no verified identity is answered 401 before its body is read, so nothing it asks for
 * happens. Routes from {@link routeFromMethod} then run like gRPC calls (same policy, call
 * context, span, metrics and audit); schema violations answer 400 naming the field.
 *
 * @example
 * ```ts
 * const http = createAdminHttpServer({ logger, listen: { path: config.adminHttpSocket }, classifyPeer });
 * http.addRoutes(registrarRoutes);
 * http.serveOpenApi({ title: 'Signet registrar', version });
 * await http.listen();
 * lifecycle.add('admin-http', () => http.close());
 * ```
 */
export function createAdminHttpServer(options: AdminHttpServerOptions): AdminHttpServer {
  const logger = options.logger;
  const clock = options.clock ?? systemClock;
  const tlsListen = 'tls' in options.listen ? options.listen : undefined;
  const credentials = tlsListen === undefined ? undefined : new RotatingServerContext(tlsListen.tls, logger);
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, useDefaults: true } },
    ...(credentials === undefined
      ? {}
      : { https: { ...credentials.options(), requestCert: true, rejectUnauthorized: false } }),
  }) as unknown as FastifyInstance;
  const deps: InvokeDeps = {
    logger,
    tracer: options.telemetry?.tracer ?? trace.getTracer('signet.http'),
    metrics: createRpcMetrics(options.telemetry?.meter ?? metrics.getMeter('signet.http')),
  };
  const calls = new CallTracker();
  const routes: RestRoute[] = [];
  const verdicts = new WeakMap<TLSSocket, PeerVerdict>();
  let listening = false;

  if (tlsListen !== undefined && credentials !== undefined) {
    const server = app.server as unknown as TlsServer;
    credentials.attach(server);
    server.prependListener('secureConnection', (socket: TLSSocket) => {
      const verdict = verifyTlsPeer(socket, tlsListen.tls.bundleSource, clock.now());
      if (verdict.kind === 'rejected') logger.warn({ peer: socket.remoteAddress, reason: verdict.reason }, 'http: client certificate rejected');
      verdicts.set(socket, verdict);
    });
  }
  const callerDeps = tlsListen === undefined ? undefined : { bundleSource: tlsListen.tls.bundleSource, clock, classifyPeer: options.classifyPeer ?? (() => undefined) };

  app.addHook('onRequest', async (request, reply) => {
    if (callerDeps === undefined) {
      setCaller(request.raw, ADMIN);
      return;
    }
    const socket = request.raw.socket as TLSSocket;
    const resolved = mtlsCaller(socket, verdicts.get(socket), callerDeps);
    if (resolved instanceof ApiError) {
      logger.debug({ peer: socket.remoteAddress, url: request.url, reason: resolved.message }, 'http: unauthenticated request refused');
      const { status, body } = toHttpStatus(resolved);
      return reply.code(status).send(body);
    }
    setCaller(request.raw, resolved);
    return;
  });
  installErrorHandlers(app, { logger, routes });

  let socketFile: UnixSocketFile | undefined;
  return {
    app,
    addRoutes(more) {
      if (listening) throw new Error('addRoutes: the admin server is already listening');
      for (const route of more) {
        registerRoute(app, route, { deps, calls });
        routes.push(route);
      }
    },
    serveOpenApi(info, path = '/openapi.json') {
      if (listening) throw new Error('serveOpenApi: the admin server is already listening');
      app.get(path, async () => openApiDocument(routes, info));
    },
    async listen() {
      await app.ready();
      listening = true;
      const server = app.server as unknown as NetServer;
      if ('path' in options.listen) {
        socketFile = await listenUnixSocket(server, options.listen.path, options.listen.mode ?? 0o600);
        logger.info({ address: socketFile.path }, 'http: admin API listening');
        return { kind: 'unix', path: socketFile.path };
      }
      const { host, port } = options.listen;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const bound = server.address();
      if (bound === null || typeof bound === 'string') throw new Error('http: the admin server has no TCP address');
      logger.info({ address: `${bound.address}:${bound.port}` }, 'http: admin API listening');
      return { kind: 'tcp', host: bound.address, port: bound.port };
    },
    async close(graceMs = 5_000) {
      const server = app.server as unknown as HttpServer;
      const closed = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (calls.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      calls.abortAll();
      server.closeAllConnections();
      await closed;
      await app.close();
      if (socketFile !== undefined) await removeUnixSocket(socketFile);
    },
  };
}
