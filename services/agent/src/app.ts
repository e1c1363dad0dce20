/**
 * The agent's composition root: attests the node (or reuses its stored SVID), follows its
 * authorized entries, keeps workload SVIDs issued, and serves the SPIFFE Workload API and Envoy
 * SDS on one Unix socket. The same code runs in `signet agent` and inside `signet dev`.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Meter, Tracer } from '@opentelemetry/api';
import { metrics as otelMetrics, trace } from '@opentelemetry/api';
import { stopInReverse, systemClock, type Clock, type Logger } from '@signet/platform';
import { SpiffeBundle, SpiffeId, TrustDomain, parsePemCertificates } from '@signet/spiffe';
import { leafSignedByAny } from './cache/chain-root.js';
import { IdentityCache } from './cache/identity-cache.js';
import { JwtSvidCache } from './cache/jwt-cache.js';
import { SvidIssuer } from './cache/svid-issuer.js';
import type { AgentConfig } from './config.js';
import { AgentIdentity, AgentStoppedError } from './controlplane/agent-identity.js';
import { AgentSvidStore } from './controlplane/agent-svid-store.js';
import { CaSigner } from './controlplane/ca-signer.js';
import { ControlPlaneClients } from './controlplane/clients.js';
import { joinTokenClient, k8sPsatClient, x509PopClient, type NodeAttestorClient } from './controlplane/node-attestors.js';
import { SyncFollower, type ConnectionState } from './controlplane/sync-follower.js';
import { createWorkloadEndpoint } from './endpoint/server.js';
import type { WorkloadEndpoint } from './endpoint/types.js';
import { createSdsService, type SdsService } from './sds/index.js';
import { agentMetrics } from './telemetry.js';
import { createK8sAttestor } from './workload-attestor/k8s.js';
import { createKubeletClient } from './workload-attestor/kubelet-client.js';
import type { WorkloadAttestor } from './workload-attestor/types.js';
import { createUnixAttestor } from './workload-attestor/unix.js';
import { createWorkloadApiService } from './workloadapi/service.js';
import { workloadApiMetrics } from './workloadapi/metrics.js';

/** Options of {@link startAgent}. */
export interface AgentOptions {
  readonly trustDomain: string;
  readonly dataDir: string;
  readonly config: AgentConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly meter?: Meter;
  readonly tracer?: Tracer;
  /** Roots to authenticate the server with on the first start, instead of `config.trust_bundle_path`. */
  readonly bootstrapRoots?: readonly Uint8Array[];
}

/** A running agent. */
export interface AgentApp {
  /** The Workload API / SDS socket. */
  readonly socketPath: string;
  /** The agent's SPIFFE ID. */
  readonly spiffeId: string;
  readonly cache: IdentityCache;
  readonly sds: SdsService;
  /** The control-plane connection state. */
  connectionState(): ConnectionState;
  /** Resolves once the first snapshot of entries arrived and every due SVID was issued. */
  ready(): Promise<void>;
  /** Rejects when the agent must stop (banned; cannot attest again). */
  readonly stopped: Promise<never>;
  close(): Promise<void>;
}

/** The node attestor the config selects. */
export function nodeAttestorFrom(config: AgentConfig): NodeAttestorClient {
  switch (config.node_attestor) {
    case 'join_token':
      return joinTokenClient(config.join_token ?? '');
    case 'x509pop':
      if (config.x509pop === undefined) throw new AgentStoppedError('agent.node_attestor is x509pop but agent.x509pop (certificate_path, private_key_path) is not set');
      return x509PopClient({ certificatePath: config.x509pop.certificate_path, privateKeyPath: config.x509pop.private_key_path });
    case 'k8s_psat':
      if (config.k8s_psat === undefined) throw new AgentStoppedError('agent.node_attestor is k8s_psat but agent.k8s_psat.cluster is not set');
      return k8sPsatClient({ cluster: config.k8s_psat.cluster, tokenPath: config.k8s_psat.token_path });
  }
}

/** The workload attestors the config enables. */
export function workloadAttestorsFrom(config: AgentConfig): WorkloadAttestor[] {
  const out: WorkloadAttestor[] = [];
  const { unix, k8s } = config.workload_attestors;
  if (unix.enabled) out.push(createUnixAttestor({ hashBinary: unix.hash_binary, hashMaxBytes: unix.max_hash_size }));
  if (k8s.enabled) {
    const kubelet = createKubeletClient({
      url: k8s.kubelet_url,
      ...(k8s.ca_file ? { caFile: k8s.ca_file } : {}),
      tokenFile: k8s.token_file,
      insecureSkipVerify: k8s.skip_kubelet_verification,
    });
    out.push(createK8sAttestor({ kubelet }));
  }
  return out;
}

/** Reads the bootstrap roots: a PEM file, or a SPIFFE bundle document. */
async function bootstrapRoots(path: string | undefined, td: TrustDomain): Promise<Uint8Array[]> {
  if (path === undefined) return [];
  const text = await readFile(path, 'utf8');
  if (text.trimStart().startsWith('{')) return SpiffeBundle.parse(td, text).x509Authorities().map((d) => new Uint8Array(d));
  return parsePemCertificates(text);
}

/** Starts an agent. Throws {@link AgentStoppedError} when it cannot attest. */
export async function startAgent(options: AgentOptions): Promise<AgentApp> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const meter = options.meter ?? otelMetrics.getMeter('signet-agent');
  const tracer = options.tracer ?? trace.getTracer('signet-agent');
  const td = TrustDomain.parse(options.trustDomain);
  const serverId = SpiffeId.parse(config.server_spiffe_id ?? `spiffe://${td.name}/spire/server`);
  const socketPath = config.socket_path ?? join(options.dataDir, 'agent.sock');
  const { closers, close } = stopInReverse(logger, 'agent');
  let fail!: (err: AgentStoppedError) => void;
  const stopped = new Promise<never>((_, reject) => (fail = reject));
  stopped.catch(() => {});

  try {
    const attestor = nodeAttestorFrom(config);
    let clients!: ControlPlaneClients;
    const identity = await AgentIdentity.bootstrap(
      {
        trustDomain: td,
        store: new AgentSvidStore(options.dataDir),
        attestor,
        clock,
        logger,
        bootstrapRoots: options.bootstrapRoots ?? (await bootstrapRoots(config.trust_bundle_path, td)),
      },
      (id) => {
        clients = new ControlPlaneClients({ address: config.server_address, ...(config.ca_address ? { caAddress: config.ca_address } : {}), serverId, trustDomain: td, svidSource: id.svidSource, bundleSource: id.bundleSource, clock });
        return clients;
      },
    );
    closers.push(() => clients.close());
    closers.push(() => identity.close());
    identity.onFatal((err) => fail(err));

    const cache = new IdentityCache({
      trustDomain: td.name,
      clock,
      maxSvids: config.max_svids,
      isWorkloadEntry: (e) => !e.downstream && e.parentId !== serverId.toString(),
    });
    const signer = new CaSigner(clients);
    const jwt = new JwtSvidCache({ signer, clock, maxEntries: config.jwt_svid_cache_size });
    const telemetry = agentMetrics(meter);
    const issuer = new SvidIssuer({ cache, signer, clock, logger, keyType: config.svid_key_type, onBatch: telemetry.svidBatch });
    const follower = new SyncFollower({
      clients,
      cache,
      clock,
      logger,
      onRefused: (err) => identity.refused(err),
      onUntrusted: (err) => identity.untrusted(err),
      onState: (state) => logger.info({ state }, 'agent: control-plane connection'),
      onApplied: (change) => {
        const own = change.bundles.has(td.name) ? cache.bundle(td.name) : undefined;
        if (own !== undefined) {
          void identity.setBundle(own.x509Authorities).catch((err) => logger.warn({ err }, 'agent: could not store the bundle'));
          if (leafSignedByAny(identity.svidSource.getX509Svid().certificates, own.taintedX509Authorities ?? [])) {
            logger.warn('agent: the authority that signed the agent SVID is tainted; renewing it now');
            identity.renewNow();
          }
          // JWT-SVIDs signed by a tainted key are dropped; the next request gets a fresh one.
          if ((own.taintedJwtKeyIds ?? []).length > 0) jwt.clear();
        }
        for (const id of change.upserted) jwt.forgetEntry(id);
        for (const id of change.removed) jwt.forgetEntry(id);
      },
    });
    identity.onRenewed(() => follower.reconnect());
    telemetry.observe({ cache, jwt, connection: () => follower.state, clock });

    const endpoint: WorkloadEndpoint = createWorkloadEndpoint({ path: socketPath, attestors: workloadAttestorsFrom(config), logger, meter });
    const workloadApi = createWorkloadApiService({ attestation: endpoint, cache, jwt, clock, logger, metrics: workloadApiMetrics(meter) });
    endpoint.addService(workloadApi.definition, workloadApi.implementation);
    const sds = createSdsService({
      attestation: endpoint,
      views: cache,
      logger,
      clock,
      meter,
      tracer,
      config: {
        defaultSvidName: config.sds.default_svid_name,
        defaultBundleName: config.sds.default_bundle_name,
        allBundlesName: config.sds.default_all_bundles_name,
        disableSpiffeCertValidation: config.sds.disable_spiffe_cert_validation,
        bundleFirstTimeoutMs: config.sds.bundle_first_timeout,
        nackHistory: config.sds.nack_history,
      },
    });
    endpoint.addService(sds.definition, sds.implementation);

    follower.start();
    closers.push(() => follower.stop());
    issuer.start();
    closers.push(() => issuer.stop());
    await endpoint.listen();
    closers.push(() => endpoint.close());
    closers.push(() => sds.close());
    logger.info({ socket: socketPath, spiffe_id: identity.spiffeId, server: config.server_address }, 'agent: serving the Workload API and SDS');

    return {
      socketPath,
      get spiffeId() {
        return identity.spiffeId;
      },
      cache,
      sds,
      connectionState: () => follower.state,
      ready: async () => {
        await Promise.race([follower.synced(), stopped]);
        await issuer.idle();
      },
      stopped,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
