/**
 * Each control-plane service in a process of its own (`signet ca`, `signet attestation`,
 * `signet registrar`), on one shared Postgres, with several replicas of each if wanted. They use
 * the same service code as `signet server`; what changes is how they reach each other:
 * - the CA process holds the signing keys, serves the CA API over TLS (agents, servers, admin
 *   SVIDs) and on its admin socket, and signs the server SVIDs the other processes request through
 *   the datastore;
 * - the attestation process serves node attestation and the agents' push stream over TLS, and
 *   has agent SVIDs signed by the CA over mTLS with its server SVID (`server.ca_address`);
 * - the registrar process serves the admin API on its admin sockets and over TLS for admin SVIDs.
 * Every process presents the server ID `spiffe://<td>/spire/server`, so agents and admins check
 * one identity whichever replica answers.
 */
import { join } from 'node:path';
import { SpiffeBundle, SpiffeId, TrustDomain, matchId } from '@signet/spiffe';
import {
  createAdminHttpServer,
  createGrpcClient,
  createGrpcServer,
  signetProtos,
  stopInReverse,
  systemClock,
  unaryCall,
  type PeerClassifier,
} from '@signet/platform';
import { getBundle } from '@signet/datastore';
import { startServerSvidRequestSigner } from '@signet/ca';
import { createRegistrarService, OPENAPI_PATH, REGISTRAR_OPENAPI_INFO } from '@signet/registrar';
import type { Runtime } from './runtime.js';
import { followAdmins, localAttestation, startCaCore } from './ca-core.js';
import { startServerSvid } from './server-svid.js';
import { datastoreServerSvidSigner, followLocalBundle } from './datastore-identity.js';

/** A standalone service: its bound addresses (for endpoints.json) and how to stop it. */
export interface StandaloneService {
  readonly endpoints: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** The pieces every standalone process has. */
function base(rt: Runtime) {
  const td = TrustDomain.parse(rt.config.trust_domain);
  const serverId = SpiffeId.fromPath(td, '/spire/server').toString();
  const { closers, close } = stopInReverse(rt.logger, 'standalone service');
  const grpcTelemetry = { tracer: rt.telemetry.tracer('grpc'), meter: rt.telemetry.meter('grpc') };
  return { td, serverId, closers, close, grpcTelemetry, clock: systemClock, protos: signetProtos() };
}

/** `signet ca`: the CA alone. */
export async function startCaProcess(rt: Runtime): Promise<StandaloneService> {
  const { td, serverId, closers, close, grpcTelemetry, clock, protos } = base(rt);
  try {
    const { ca, bundle, serverSvid, classifyPeer } = await startCaCore(rt, td, serverId, closers);
    // Server SVIDs of the standalone attestation and registrar processes, asked for through the datastore.
    closers.push(startServerSvidRequestSigner({ db: rt.db, signer: ca.signer, serverId, clock, logger: rt.logger.child({ component: 'ca' }) }));
    const adminGrpc = createGrpcServer({ logger: rt.logger, telemetry: grpcTelemetry, classifyPeer, clock });
    adminGrpc.addService(protos.ca, ca.service);
    const adminSocket = join(rt.dataDir, 'admin.sock');
    await adminGrpc.listenUnix(adminSocket, { admin: true, mode: 0o600 });
    closers.push(() => adminGrpc.close());
    const tlsGrpc = createGrpcServer({ logger: rt.logger, telemetry: grpcTelemetry, classifyPeer, clock });
    tlsGrpc.addService(protos.ca, ca.service);
    const addr = await tlsGrpc.listenTcp(rt.config.server.host, rt.config.server.port, {
      tls: { svidSource: serverSvid.holder, bundleSource: bundle.holder, clientCertificates: 'optional' },
    });
    closers.push(() => tlsGrpc.close());
    return { endpoints: { server_spiffe_id: serverId, admin_socket: adminSocket, ca_endpoint: `${addr.host}:${addr.port}` }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** `signet attestation`: node attestation and the agents' push stream alone. */
export async function startAttestationProcess(rt: Runtime): Promise<StandaloneService> {
  const { td, serverId, closers, close, grpcTelemetry, clock, protos } = base(rt);
  const caAddress = rt.config.server.ca_address;
  if (caAddress === undefined) throw new Error('server.ca_address is required: the address of a `signet ca` (or `signet server`) process, which signs agent SVIDs');
  try {
    const bundle = await followLocalBundle(rt.db, td.name, rt.logger);
    closers.push(() => bundle.close());
    const serverSvid = await startServerSvid({ spiffeId: serverId, clock, logger: rt.logger, signer: datastoreServerSvidSigner(rt.db, 'attestation', clock) });
    closers.push(() => serverSvid.close());
    const ca = createGrpcClient(protos.ca, caAddress, { svidSource: serverSvid.holder, bundleSource: bundle.holder, expectedServerId: matchId(SpiffeId.parse(serverId)), clock });
    closers.push(() => ca.close());
    const attestation = localAttestation(rt, td, {
      signAgentX509Svid: async (p) => {
        const res = await unaryCall<{ cert_chain: Buffer[]; expires_at: string; serial_number: string }>((cb) =>
          ca.MintX509Svid({ csr: Buffer.from(p.csr), spiffe_id: p.spiffeId, ttl: p.ttlSeconds ?? 0 }, cb),
        );
        return { certChain: res.cert_chain.map((c) => new Uint8Array(c)), expiresAt: new Date(Number(res.expires_at) * 1000), serial: res.serial_number };
      },
      getBundle: async () => {
        const stored = await getBundle(rt.db, td.name);
        return stored ? SpiffeBundle.parse(td, JSON.stringify(stored.document)) : SpiffeBundle.empty(td);
      },
    });
    closers.push(() => attestation.close());
    await attestation.start();
    const classifyPeer: PeerClassifier = (id) => (id.toString() === serverId ? 'server' : attestation.agentRole(id));
    const tlsGrpc = createGrpcServer({ logger: rt.logger, telemetry: grpcTelemetry, classifyPeer, clock });
    tlsGrpc.addService(protos.attestation, attestation.service);
    const addr = await tlsGrpc.listenTcp(rt.config.server.host, rt.config.server.port, {
      tls: { svidSource: serverSvid.holder, bundleSource: bundle.holder, clientCertificates: 'optional' },
    });
    closers.push(() => tlsGrpc.close());
    return { endpoints: { server_spiffe_id: serverId, agent_endpoint: `${addr.host}:${addr.port}` }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** `signet registrar`: the admin API alone. */
export async function startRegistrarProcess(rt: Runtime): Promise<StandaloneService> {
  const { td, serverId, closers, close, grpcTelemetry, clock, protos } = base(rt);
  try {
    const bundle = await followLocalBundle(rt.db, td.name, rt.logger);
    closers.push(() => bundle.close());
    const serverSvid = await startServerSvid({ spiffeId: serverId, clock, logger: rt.logger, signer: datastoreServerSvidSigner(rt.db, 'registrar', clock) });
    closers.push(() => serverSvid.close());
    // Agent administration (evict, ban) is the attestation service's code, run here on the same database.
    const attestation = localAttestation(rt, td, {
      signAgentX509Svid: async () => {
        throw new Error('the registrar process does not sign agent SVIDs');
      },
      getBundle: async () => SpiffeBundle.empty(td),
    });
    closers.push(() => attestation.close());
    await attestation.start();
    const registrar = createRegistrarService({
      db: rt.db,
      trustDomain: td,
      config: rt.config.registrar,
      clock,
      logger: rt.logger.child({ component: 'registrar' }),
      meter: rt.telemetry.meter('registrar'),
      tracer: rt.telemetry.tracer('registrar'),
      agentAdmin: attestation.agentAdmin,
    });
    closers.push(() => registrar.close());
    const admins = await followAdmins(rt, closers);
    const classifyPeer: PeerClassifier = (id) => {
      const s = id.toString();
      if (s === serverId) return 'server';
      return admins.has(s) ? 'admin' : undefined;
    };
    const adminGrpc = createGrpcServer({ logger: rt.logger, telemetry: grpcTelemetry, classifyPeer, clock });
    adminGrpc.addService(protos.registrar, registrar.service);
    const adminSocket = join(rt.dataDir, 'admin.sock');
    await adminGrpc.listenUnix(adminSocket, { admin: true, mode: 0o600 });
    closers.push(() => adminGrpc.close());
    const tlsGrpc = createGrpcServer({ logger: rt.logger, telemetry: grpcTelemetry, classifyPeer, clock });
    tlsGrpc.addService(protos.registrar, registrar.service);
    const addr = await tlsGrpc.listenTcp(rt.config.server.host, rt.config.server.port, {
      tls: { svidSource: serverSvid.holder, bundleSource: bundle.holder, clientCertificates: 'optional' },
    });
    closers.push(() => tlsGrpc.close());
    const adminHttpSocket = join(rt.dataDir, 'admin-http.sock');
    const rest = createAdminHttpServer({ logger: rt.logger, listen: { path: adminHttpSocket, mode: 0o600 }, classifyPeer, telemetry: grpcTelemetry, clock });
    rest.addRoutes(registrar.routes);
    rest.serveOpenApi(REGISTRAR_OPENAPI_INFO, OPENAPI_PATH);
    await rest.listen();
    closers.push(() => rest.close());
    return {
      endpoints: { server_spiffe_id: serverId, admin_socket: adminSocket, admin_http_socket: adminHttpSocket, registrar_endpoint: `${addr.host}:${addr.port}` },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

