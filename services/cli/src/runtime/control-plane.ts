/**
 * The control plane in one process (`signet server`): the CA, the registrar and the attestation
 * service wired to each other through the same interfaces they use across processes, behind:
 * - the admin Unix socket (`<data dir>/admin.sock`, 0600): gRPC Registrar, CA and Attestation for admins;
 * - the admin REST socket (`<data dir>/admin-http.sock`, 0600): the registrar's REST API and its OpenAPI document;
 * - the agent endpoint (TCP, TLS with the server's SVID, client SVIDs optional): Attestation and CA for agents,
 *   and the Registrar for admins presenting an admin X.509-SVID.
 */
import { join } from 'node:path';
import { SpiffeBundle, SpiffeId, TrustDomain } from '@signet/spiffe';
import {
  X509BundleHolder,
  createAdminHttpServer,
  createGrpcServer,
  signetProtos,
  stopInReverse,
  systemClock,
  type PeerClassifier,
} from '@signet/platform';
import { getEntry, subscribeEvents, latestRevision, type EventSubscription } from '@signet/datastore';
import { createCaService } from '@signet/ca';
import { createRegistrarService, OPENAPI_PATH, REGISTRAR_OPENAPI_INFO } from '@signet/registrar';
import { createAttestationService, type AttestationApp } from '@signet/attestation';
import { createFederationService, type FederationEndpoints } from '@signet/federation';
import type { Runtime } from './runtime.js';
import { AdminIdentities } from './admin-identities.js';
import { startServerSvid } from './server-svid.js';

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
    // The CA and the attestation service need each other: the CA asks which entries an agent may
    // serve, attestation asks the CA to sign agent SVIDs. Build the CA against a late-bound view.
    let attestation: AttestationApp | undefined;
    const ca = await createCaService({
      db,
      config: { trust_domain: config.trust_domain, data_dir: rt.dataDir, ca: config.ca },
      clock,
      logger: logger.child({ component: 'ca' }),
      meter: telemetry.meter('ca'),
      tracer: telemetry.tracer('ca'),
      authorizer: {
        authorizedEntry: async (agentId, entryId) => attestation?.authorizer.authorizedEntry(agentId, entryId),
        getEntry: async (entryId) => (await getEntry(db, entryId)) ?? undefined,
      },
    });
    closers.push(() => ca.close());
    await ca.start();

    const bundles = new X509BundleHolder();
    const refreshBundle = async () => {
      const stored = await ca.manager.localBundle();
      if (stored) bundles.set(SpiffeBundle.parse(td, JSON.stringify(stored.document)).x509Bundle());
    };
    await refreshBundle();

    attestation = createAttestationService({
      db,
      config: config.attestation,
      clock,
      logger: logger.child({ component: 'attestation' }),
      meter: telemetry.meter('attestation'),
      signer: {
        signAgentX509Svid: async (p) => {
          const signed = await ca.signer.signAgentX509Svid({ kind: 'server', via: 'inproc', spiffeId: serverId }, { csr: p.csr, spiffeId: p.spiffeId, ttlSeconds: p.ttlSeconds });
          return { certChain: [...signed.certChain], expiresAt: signed.expiresAt, serial: signed.serialNumber };
        },
        getBundle: async () => {
          const stored = await ca.manager.localBundle();
          return stored ? SpiffeBundle.parse(td, JSON.stringify(stored.document)) : SpiffeBundle.empty(td);
        },
      },
      trustDomain: td,
    });
    closers.push(() => attestation?.close());
    await attestation.start();

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

    const admins = new AdminIdentities(db);
    await admins.refresh();
    const events: EventSubscription = await subscribeEvents(db, {
      fromRevision: await latestRevision(db),
      onEvent: async (event) => {
        if (event.kind.startsWith('entry.')) await admins.refresh();
        if (event.kind.startsWith('bundle.') || event.kind.startsWith('authority.')) await refreshBundle();
      },
      onError: (err) => logger.warn({ err }, 'control plane: event subscription'),
    });
    closers.push(() => events.close());

    const serverSvid = await startServerSvid({
      spiffeId: serverId,
      clock,
      logger,
      signer: {
        sign: async ({ publicKey, spiffeId, ttlSeconds }) =>
          ca.signer.signX509Svid({ kind: 'admin', via: 'inproc' }, { publicKey, spiffeId, ttlSeconds }),
      },
    });
    closers.push(() => serverSvid.close());

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

    const classifyPeer: PeerClassifier = (id) => {
      const s = id.toString();
      if (s === serverId) return 'server';
      if (admins.has(s)) return 'admin';
      return attestation?.agentRole(id);
    };
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
      tls: { svidSource: serverSvid.holder, bundleSource: bundles, clientCertificates: 'optional' },
    });
    closers.push(() => agentGrpc.close());

    const adminHttpSocket = join(rt.dataDir, 'admin-http.sock');
    const rest = createAdminHttpServer({ logger, listen: { path: adminHttpSocket, mode: 0o600 }, classifyPeer, telemetry: grpcTelemetry, clock });
    rest.addRoutes(registrar.routes);
    rest.serveOpenApi(REGISTRAR_OPENAPI_INFO, OPENAPI_PATH);
    await rest.listen();
    closers.push(() => rest.close());

    rt.health.addCheck('ca', async () => {
      const snap = ca.manager.snapshot;
      for (const kind of ['x509', 'jwt'] as const) {
        if (snap[kind] === undefined) throw new Error(`no signing ${kind} authority: ${snap.problems[kind] ?? 'unknown reason'}`);
      }
    });
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
