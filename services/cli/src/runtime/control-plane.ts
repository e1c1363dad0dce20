/**
 * The control plane in one process (`signet server`): the CA, the registrar and the attestation
 * service wired to each other through the same interfaces they use across processes, behind:
 * - the admin Unix socket (`<data dir>/admin.sock`, 0600): gRPC Registrar, CA and Attestation for admins;
 * - the admin REST socket (`<data dir>/admin-http.sock`, 0600): the registrar's REST API and its OpenAPI document;
 * - the agent endpoint (TCP, TLS with the server's SVID, client SVIDs optional): Attestation and CA for agents,
 *   and the Registrar for admins presenting an admin X.509-SVID.
 */
import { join } from 'node:path';
import { SpiffeId, TrustDomain } from '@signet/spiffe';
import {
  createAdminHttpServer,
  createGrpcServer,
  signetProtos,
  stopInReverse,
  systemClock,
} from '@signet/platform';
import { createRegistrarService, OPENAPI_PATH, REGISTRAR_OPENAPI_INFO } from '@signet/registrar';
import { createFederationService, type FederationEndpoints } from '@signet/federation';
import type { Runtime } from './runtime.js';
import { startCaCore } from './ca-core.js';

/** Addresses the control plane bound, for `endpoints.json`. */
export interface ControlPlaneEndpoints extends FederationEndpoints {
  readonly server_spiffe_id: string;
  readonly admin_socket: string;
  readonly admin_http_socket: string;
  readonly agent_endpoint: string;
}

/** A running control plane. */
export interface ControlPlane {
  readonly endpoints: ControlPlaneEndpoints;
  close(): Promise<void>;
}

/** Starts the CA, registrar and attestation service on the runtime's database and listeners. */
export async function startControlPlane(rt: Runtime): Promise<ControlPlane> {
  const { config, db, logger, telemetry } = rt;
  const clock = systemClock;
  const td = TrustDomain.parse(config.trust_domain);
  const serverId = SpiffeId.fromPath(td, '/spire/server').toString();
  const { closers, close } = stopInReverse(logger, 'control plane');
  try {
    const { ca, attestation, bundle, serverSvid, classifyPeer } = await startCaCore(rt, td, serverId, closers);

    const registrar = createRegistrarService({
      db,
      trustDomain: td,
      config: config.registrar,
      clock,
      logger: logger.child({ component: 'registrar' }),
      meter: telemetry.meter('registrar'),
      tracer: telemetry.tracer('registrar'),
      agentAdmin: attestation.agentAdmin,
    });
    closers.push(() => registrar.close());

    // The SPIFFE bundle endpoint of this trust domain, the fetchers of federated bundles, and
    // (when enabled) the OIDC discovery provider.
    const federation = createFederationService({
      db,
      trustDomain: td,
      config: config.federation,
      clock,
      logger: logger.child({ component: 'federation' }),
      meter: telemetry.meter('federation'),
      svidSource: serverSvid.holder,
    });
    await federation.start();
    closers.push(() => federation.close());

    const protos = signetProtos();
    const grpcTelemetry = { tracer: telemetry.tracer('grpc'), meter: telemetry.meter('grpc') };

    const adminGrpc = createGrpcServer({ logger, telemetry: grpcTelemetry, classifyPeer, clock });
    adminGrpc.addService(protos.registrar, registrar.service);
    adminGrpc.addService(protos.ca, ca.service);
    const adminSocket = join(rt.dataDir, 'admin.sock');
    await adminGrpc.listenUnix(adminSocket, { admin: true, mode: 0o600 });
    closers.push(() => adminGrpc.close());

    const agentGrpc = createGrpcServer({ logger, telemetry: grpcTelemetry, classifyPeer, clock });
    agentGrpc.addService(protos.attestation, attestation.service);
    agentGrpc.addService(protos.ca, ca.service);
    // Admins may also call the registrar over mTLS with an admin X.509-SVID; its methods allow admins only.
    agentGrpc.addService(protos.registrar, registrar.service);
    const agentAddr = await agentGrpc.listenTcp(config.server.host, config.server.port, {
      tls: { svidSource: serverSvid.holder, bundleSource: bundle.holder, clientCertificates: 'optional' },
    });
    closers.push(() => agentGrpc.close());

    const adminHttpSocket = join(rt.dataDir, 'admin-http.sock');
    const rest = createAdminHttpServer({ logger, listen: { path: adminHttpSocket, mode: 0o600 }, classifyPeer, telemetry: grpcTelemetry, clock });
    rest.addRoutes(registrar.routes);
    rest.serveOpenApi(REGISTRAR_OPENAPI_INFO, OPENAPI_PATH);
    await rest.listen();
    closers.push(() => rest.close());

    const endpoints: ControlPlaneEndpoints = {
      server_spiffe_id: serverId,
      admin_socket: adminSocket,
      admin_http_socket: adminHttpSocket,
      agent_endpoint: `${agentAddr.host}:${agentAddr.port}`,
      ...federation.endpoints(),
    };
    logger.info(endpoints, 'control plane started');
    return { endpoints, close };
  } catch (err) {
    await close();
    throw err;
  }
}
