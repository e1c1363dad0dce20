/**
 * The composition root of the attestation service: builds the attestors, the agent
 * lifecycle, the entry index and per-agent cache, the change feed and the API, without
 * starting anything. `start()` loads the attestors' files and the datastore state and begins
 * following the change log; `close()` ends every sync stream and stops following.
 * @module
 */
import type { Db } from '@signet/datastore';
import { ApiError, type CallContext, type Clock, type Logger, type ServiceImpl } from '@signet/platform';
import { type SpiffeId, TrustDomain } from '@signet/spiffe';
import { type AgentAdmin, createAgentAdmin } from './agents/agent-admin.js';
import { type ClassifyPeer, createClassifyPeer } from './agents/classify-peer.js';
import { AgentRegistry } from './agents/agent-registry.js';
import type { AgentLifecycleDeps } from './agents/deps.js';
import { nodeStatusLoader } from './agents/node-status.js';
import type { AgentSvidSigner } from './agents/svid-signer.js';
import { attestationService } from './api/attestation/v1/service.js';
import type { NodeAttestor } from './attestors/attestor.js';
import { loadAttestors } from './attestors/registry.js';
import { AuthorizedCache } from './authorized/authorized-cache.js';
import { createEntryAuthorizer, type EntryAuthorizer } from './authorized/entry-authorizer.js';
import { EntryIndex } from './authorized/entry-index.js';
import type { AttestationConfig } from './config.js';
import { serverIdOf } from './ids.js';
import { SerialExecutor } from './internal/serial-executor.js';
import { BundleStore } from './sync/bundle-store.js';
import { ChangeFeed } from './sync/change-feed.js';
import { type AttestationMeter, attestationMetrics, noMetrics } from './telemetry.js';

/** What {@link createAttestationService} needs. */
export interface AttestationServiceOptions {
  readonly db: Db;
  /** The `attestation` config section. */
  readonly config: AttestationConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where metrics go (e.g. `telemetry.meter('attestation')`); none when absent. */
  readonly meter?: AttestationMeter;
  /** Signs agent SVIDs (the CA). */
  readonly signer: AgentSvidSigner;
  readonly trustDomain: TrustDomain | string;
  /** Attestors to use instead of the built-ins enabled by `config` (e.g. a plugin). */
  readonly attestors?: ReadonlyMap<string, NodeAttestor>;
  /** The serial of the SVID a calling agent presented, when the transport exposes it. */
  readonly presentedSerialOf?: (ctx: CallContext) => string | undefined;
  /** Safety-net poll of the change log in ms (default 30 000). */
  readonly pollIntervalMs?: number;
}

/** The built (not yet started) attestation service. */
export interface AttestationApp {
  /** The `Attestation` API for the transport. */
  readonly service: ServiceImpl;
  /** For the CA: may this agent serve this entry? */
  readonly authorizer: EntryAuthorizer;
  /** For the registrar's agent admin API. */
  readonly agentAdmin: AgentAdmin;
  /** Is this peer a current agent? Authoritative (reads the database); checks the SVID serial when given. */
  readonly classifyPeer: ClassifyPeer;
  /**
   * The same question answered from memory, for the transport's per-call peer classifier:
   * `'agent'` for an attested, unbanned agent. Combine it with the admin and server rules.
   */
  readonly agentRole: (id: SpiffeId) => 'agent' | undefined;
  /** The change-log revision the cache is current with. */
  readonly revision: () => number;
  /** Resolves once the cache is current with `revision` (for tests and tools). */
  whenApplied(revision: number): Promise<void>;
  /** Re-reads every entry, bundle and cached agent and pushes the differences (also done on its own after missed events). */
  resync(): Promise<void>;
  /** Loads attestors and state, and starts following the change log. */
  start(): Promise<void>;
  /** Ends every sync stream (`unavailable`) and stops following the log. */
  close(): Promise<void>;
}

/**
 * Builds the attestation service.
 *
 * @example
 * ```ts
 * const attestation = createAttestationService({ db, config: config.attestation, clock: systemClock, logger, signer, trustDomain });
 * await attestation.start();
 * grpc.addService(attestationDefinition, attestation.service);
 * ```
 */
export function createAttestationService(options: AttestationServiceOptions): AttestationApp {
  const { db, config, clock } = options;
  const trustDomain = typeof options.trustDomain === 'string' ? TrustDomain.parse(options.trustDomain) : options.trustDomain;
  const logger = options.logger.child({ component: 'attestation' });
  const metrics = options.meter === undefined ? noMetrics : attestationMetrics(options.meter);
  const executor = new SerialExecutor();
  const index = new EntryIndex(serverIdOf(trustDomain).toString());
  const loadNodes = nodeStatusLoader(db);
  const cache = new AuthorizedCache({
    index,
    loadNodes,
    executor,
    maxAgents: config.sync.max_cached_agents,
    journalLimit: config.sync.journal_revisions,
  });
  metrics.observeCache(() => cache.size());
  const bundles = new BundleStore(db, trustDomain.name, logger);
  const registry = new AgentRegistry();
  const onNodeChanged = (spiffeId: string, node: Parameters<AgentRegistry['update']>[1]) => registry.update(spiffeId, node);
  const feed = new ChangeFeed({
    db,
    index,
    cache,
    bundles,
    executor,
    registry,
    logger,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  });
  const attestors = new Map<string, NodeAttestor>();
  let state: 'new' | 'started' | 'closed' = 'new';
  const lifecycle: AgentLifecycleDeps = {
    db,
    clock,
    trustDomain,
    signer: options.signer,
    attestors,
    agentSvidTtlSeconds: Math.max(1, Math.round(config.agent_svid_ttl / 1000)),
    metrics,
    logger,
    onNodeChanged,
  };
  const service = attestationService({
    lifecycle,
    sync: { cache, feed, bundles, limits: { maxEntries: config.sync.max_entries_per_message, maxBytes: config.sync.max_message_bytes }, metrics, logger },
    clock,
    challengeTimeoutMs: config.challenge_timeout,
    ready: () => state === 'started',
    ...(options.presentedSerialOf === undefined ? {} : { presentedSerialOf: options.presentedSerialOf }),
  });
  const authorizer = createEntryAuthorizer(cache, clock);
  return {
    service,
    authorizer: {
      authorizedEntry: (agentId, entryId) => {
        if (state !== 'started') return Promise.reject(new ApiError('unavailable', 'the attestation service is not started yet'));
        return authorizer.authorizedEntry(agentId, entryId);
      },
    },
    agentAdmin: createAgentAdmin({ db, clock, logger, onNodeChanged }),
    classifyPeer: createClassifyPeer(db),
    agentRole: registry.classify,
    revision: () => feed.revision,
    whenApplied: (revision) => feed.whenApplied(revision),
    resync: () => feed.resync(),
    async start() {
      if (state !== 'new') throw new Error(`the attestation service cannot start: it is ${state}`);
      const loaded = options.attestors ?? (await loadAttestors(config, { db, clock }));
      for (const [type, attestor] of loaded) attestors.set(type, attestor);
      await feed.start();
      state = 'started';
      logger.info({ attestors: [...attestors.keys()], entries: index.size, revision: feed.revision }, 'attestation service started');
    },
    async close() {
      if (state === 'closed') return;
      state = 'closed';
      cache.endAll(new ApiError('unavailable', 'the server is shutting down'));
      await feed.close();
      for (const attestor of attestors.values()) await attestor.close?.();
    },
  };
}
