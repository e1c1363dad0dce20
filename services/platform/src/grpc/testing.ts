/**
 * Test helpers for services built on the gRPC transport: a server on a temporary Unix socket with
 * clients, and SPIFFE credentials from an in-memory CA.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, ServiceDefinition } from '@grpc/grpc-js';
import type { Tracer, Meter } from '@opentelemetry/api';
import { TrustDomain, type X509Svid } from '@signet/spiffe';
import { TestCa, type TestCaOptions, type TestSvidOptions } from '@signet/spiffe/testing';
import type { ServiceImpl } from '../api/handler.js';
import type { Clock } from '../clock.js';
import { createLogger, type Logger } from '../log/logger.js';
import { captureLogs, type LogCapture } from '../testing/log-capture.js';
import { createGrpcClient, type GrpcClientOptions } from './client.js';
import type { ClientOf } from './protos.js';
import { createGrpcServer, type GrpcServer } from './server.js';
import type { PeerClassifier } from './tls/sources.js';
import { X509BundleHolder, X509SvidHolder } from './tls/sources.js';

/** Options of {@link startTestGrpcServer}. */
export interface TestGrpcServerOptions {
  readonly services: readonly { readonly definition: ServiceDefinition; readonly impl: ServiceImpl }[];
  /** Whether the socket is an admin socket (default true: callers are admins). */
  readonly admin?: boolean;
  /** Default: a debug-level logger writing into {@link TestGrpcServer.logs}. */
  readonly logger?: Logger;
  readonly telemetry?: { readonly tracer?: Tracer; readonly meter?: Meter };
  readonly classifyPeer?: PeerClassifier;
  readonly clock?: Clock;
}

/** A server on a temporary Unix socket. */
export interface TestGrpcServer {
  readonly server: GrpcServer;
  readonly socketPath: string;
  /** `unix://<socketPath>`. */
  readonly target: string;
  /** What the default logger wrote (empty when a logger was given). */
  readonly logs: LogCapture;
  /** A client on the socket (closed by {@link TestGrpcServer.close}). */
  client<D extends ServiceDefinition>(definition: D, options?: GrpcClientOptions): ClientOf<D>;
  /** Closes the clients and the server, and removes the temporary directory. */
  close(): Promise<void>;
}

/**
 * Starts a server with `services` on a Unix socket in a fresh temporary directory.
 *
 * @example
 * ```ts
 * const t = await startTestGrpcServer({ services: [{ definition: signetProtos().ca, impl: caService }] });
 * after(() => t.close());
 * const ca = t.client(signetProtos().ca);
 * const res = await unaryCall((cb) => ca.GetBundle({}, cb));
 * ```
 */
export async function startTestGrpcServer(options: TestGrpcServerOptions): Promise<TestGrpcServer> {
  const logs = captureLogs();
  const logger = options.logger ?? createLogger({ level: 'debug', service: 'test', destination: logs.stream });
  const server = createGrpcServer({
    logger,
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
    ...(options.classifyPeer === undefined ? {} : { classifyPeer: options.classifyPeer }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  for (const s of options.services) server.addService(s.definition, s.impl);
  const dir = await mkdtemp(join(tmpdir(), 'signet-grpc-'));
  const socketPath = join(dir, 'grpc.sock');
  try {
    await server.listenUnix(socketPath, { admin: options.admin ?? true });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const target = `unix://${socketPath}`;
  const clients: Client[] = [];
  return {
    server,
    socketPath,
    target,
    logs,
    client(definition, clientOptions) {
      const client = createGrpcClient(definition, target, clientOptions);
      clients.push(client as Client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await server.close(1_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** SPIFFE credentials for tests: one CA, its bundle, and SVIDs from it. */
export interface TestSpiffeTls {
  readonly ca: TestCa;
  readonly trustDomain: TrustDomain;
  /** Holds the CA's bundle; replace it to test bundle changes. */
  readonly bundleSource: X509BundleHolder;
  /** A fresh SVID for `id` from the CA. */
  issue(id: string, options?: TestSvidOptions): X509Svid;
  /** A holder of a fresh SVID for `id`; `set(issue(id))` rotates it. */
  svidSource(id: string, options?: TestSvidOptions): X509SvidHolder;
}

/**
 * Creates a test CA for `trustDomain` (default `example.org`) and sources for the transports.
 *
 * @example
 * ```ts
 * const pki = createTestSpiffeTls();
 * const serverSvid = pki.svidSource('spiffe://example.org/signet/ca');
 * await server.listenTcp('127.0.0.1', 0, { tls: { svidSource: serverSvid, bundleSource: pki.bundleSource } });
 * ```
 */
export function createTestSpiffeTls(trustDomain: string = 'example.org', options: TestCaOptions = {}): TestSpiffeTls {
  const ca = TestCa.create(trustDomain, options);
  const issue = (id: string, svidOptions: TestSvidOptions = {}): X509Svid => ca.issueX509Svid(id, { now: new Date(), ...svidOptions });
  return {
    ca,
    trustDomain: TrustDomain.parse(trustDomain),
    bundleSource: new X509BundleHolder([ca.x509Bundle()]),
    issue,
    svidSource: (id, svidOptions) => new X509SvidHolder(issue(id, svidOptions)),
  };
}
