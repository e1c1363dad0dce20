/**
 * A CA-like service on a SPIFFE mTLS listener, and clients for it, shared by the mTLS tests.
 * @module
 */
import type { Client } from '@grpc/grpc-js';
import { matchId, SpiffeId, type X509Svid } from '@signet/spiffe';
import type { Caller } from '../api/caller.js';
import { unary } from '../api/handler.js';
import { createLogger } from '../log/logger.js';
import type { FakeClock } from '../testing/fake-clock.js';
import { captureLogs, type LogCapture } from '../testing/log-capture.js';
import { unaryCall } from './client-calls.js';
import { createGrpcClient } from './client.js';
import { signetProtos, type CAClient } from './protos.js';
import { createGrpcServer, type GrpcServer } from './server.js';
import type { TestSpiffeTls } from './testing.js';
import type { ServerTlsOptions } from './tls-listener.js';
import { X509SvidHolder, type PeerClassifier } from './tls/sources.js';

export const protos = signetProtos();
/** The SPIFFE ID of the harness's server. */
export const SERVER_ID = 'spiffe://example.org/signet/ca';

/** Agents under /agent/, admins under /admin/, servers under /signet/. */
export const classifyPeer: PeerClassifier = (id) => {
  if (id.path.startsWith('/agent/')) return 'agent';
  if (id.path.startsWith('/admin/')) return 'admin';
  if (id.path.startsWith('/signet/')) return 'server';
  return undefined;
};

/** A running harness. */
export interface Harness {
  readonly server: GrpcServer;
  readonly port: number;
  readonly logs: LogCapture;
  readonly callers: Caller[];
  readonly clients: Client[];
  client(svid: X509Svid | undefined, options?: { expected?: string; pki?: TestSpiffeTls }): CAClient;
  close(): Promise<void>;
}

/** A CA service on an mTLS listener: GetBundle allows agents, admins and servers; ListAuthorities admins only; MintJwtSvid anyone. */
export async function startHarness(pki: TestSpiffeTls, tls: Partial<ServerTlsOptions> = {}, clock?: FakeClock): Promise<Harness> {
  const logs = captureLogs();
  const callers: Caller[] = [];
  const server = createGrpcServer({
    logger: createLogger({ level: 'debug', service: 'test', destination: logs.stream }),
    classifyPeer,
    ...(clock === undefined ? {} : { clock }),
  });
  const record = async (_req: unknown, ctx: { caller: Caller }) => {
    callers.push(ctx.caller);
    return {};
  };
  server.addService(protos.ca, {
    GetBundle: unary(['agent', 'admin', 'server'], record),
    ListAuthorities: unary(['admin'], record),
    MintJwtSvid: unary(['anonymous', 'agent'], record),
  });
  const { port } = await server.listenTcp('127.0.0.1', 0, {
    tls: { svidSource: pki.svidSource(SERVER_ID), bundleSource: pki.bundleSource, ...tls },
  });
  const clients: Client[] = [];
  return {
    server,
    port,
    logs,
    callers,
    clients,
    client(svid, options = {}) {
      const trust = options.pki ?? pki;
      const client = createGrpcClient(protos.ca, `127.0.0.1:${port}`, {
        ...(svid === undefined ? {} : { svidSource: new X509SvidHolder(svid) }),
        trustDomain: 'example.org',
        bundleSource: trust.bundleSource,
        expectedServerId: matchId(SpiffeId.parse(options.expected ?? SERVER_ID)),
        channelOptions: { 'grpc.initial_reconnect_backoff_ms': 50 },
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await server.close(200);
    },
  };
}

/** Calls one of the harness's methods with a 3 s deadline. */
export const call = (client: CAClient, method: 'GetBundle' | 'ListAuthorities' | 'MintJwtSvid' = 'GetBundle'): Promise<unknown> => {
  const options = { deadline: Date.now() + 3_000 };
  switch (method) {
    case 'GetBundle':
      return unaryCall((cb) => client.GetBundle({}, options, cb));
    case 'ListAuthorities':
      return unaryCall((cb) => client.ListAuthorities({}, options, cb));
    case 'MintJwtSvid':
      return unaryCall((cb) => client.MintJwtSvid({}, options, cb));
  }
};
