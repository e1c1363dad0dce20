/**
 * The registrar's composition root: builds the domain services (entries, join tokens, agents,
 * bundles, federation relationships) over the datastore, the `signet.registrar.v1.Registrar`
 * service table and the REST route table, and starts the gauges.
 * Nothing listens: the gRPC and HTTP transports mount `service` and `routes`.
 *
 * @example
 * ```ts
 * const registrar = createRegistrarService({
 *   db, trustDomain: config.trust_domain, config: config.registrar, clock: systemClock,
 *   logger: logger.child({ component: 'registrar' }), meter: telemetry.meter('registrar'),
 * });
 * grpcServer.addService(signetProtos().registrar, registrar.service);
 * adminHttp.addRoutes(registrar.routes);
 * adminHttp.serveOpenApi(REGISTRAR_OPENAPI_INFO, OPENAPI_PATH);
 * // at shutdown
 * await registrar.close();
 * ```
 * @module
 */
import { ExpirySweeper, type SweepResult } from './entries/expiry-sweeper.js';
import { metrics, type Meter, type Tracer } from '@opentelemetry/api';
import { countEntries, type Db } from '@signet/datastore';
import { systemClock, type Clock, type Logger, type RestRoute } from '@signet/platform';
import { TrustDomain } from '@signet/spiffe';
import type { AgentAdmin } from './agents/agent-admin.js';
import { AgentService } from './agents/agent-service.js';
import { datastoreAgentAdmin } from './agents/datastore-agent-admin.js';
import { countNodesByState } from './agents/node-counts.js';
import { registrarService, type RegistrarServiceImpl } from './api/registrar/v1/service.js';
import { BundleService } from './bundles/bundle-service.js';
import { DEFAULT_REGISTRAR_CONFIG, registrarLimits, type RegistrarConfig } from './config.js';
import { EntryService } from './entries/entry-service.js';
import { datastoreTrustDomainCatalog, type TrustDomainCatalog } from './entries/trust-domain-catalog.js';
import { FederationService } from './federation/federation-service.js';
import { registrarRestRoutes } from './http/rest-routes.js';
import { startRegistrarMetrics } from './telemetry/metrics.js';
import { defaultTracer } from './telemetry/spans.js';
import { JoinTokenService } from './tokens/join-token-service.js';

/** Options of {@link createRegistrarService}. */
export interface RegistrarServiceOptions {
  /** The open, migrated datastore. */
  readonly db: Db;
  /** This server's trust domain (a name or a parsed one). */
  readonly trustDomain: TrustDomain | string;
  /** The `registrar` config section; default {@link DEFAULT_REGISTRAR_CONFIG}. */
  readonly config?: RegistrarConfig;
  /** Default the system clock. */
  readonly clock?: Clock;
  readonly logger: Logger;
  /** Where the gauges are registered; default the global meter `signet.registrar`. */
  readonly meter?: Meter;
  /** Where child spans go; default the global tracer `signet.registrar`. */
  readonly tracer?: Tracer;
  /** Agent operations (the attestation service's); default {@link datastoreAgentAdmin} over `db`. */
  readonly agentAdmin?: AgentAdmin;
  /** Known federated trust domains; default {@link datastoreTrustDomainCatalog} over `db`. */
  readonly catalog?: TrustDomainCatalog;
}

/** A built registrar. */
export interface RegistrarApp {
  /** The gRPC service table (also what the REST routes call). */
  readonly service: RegistrarServiceImpl;
  /** The REST routes, bound to `service`, for the admin HTTP server (`addRoutes`). */
  readonly routes: readonly RestRoute[];
  /** The domain services, for in-process callers. */
  readonly entries: EntryService;
  readonly tokens: JoinTokenService;
  readonly agents: AgentService;
  readonly bundles: BundleService;
  readonly federation: FederationService;
  /** Deletes expired entries (with their change events) and join tokens now; the same runs every `sweep_interval`. */
  sweepExpired(): Promise<SweepResult>;
  /** Stops the gauges' timer and the expiry sweep. The datastore is the caller's to close. */
  close(): Promise<void>;
}

/** Builds the registrar; see the module documentation. */
export function createRegistrarService(options: RegistrarServiceOptions): RegistrarApp {
  const { db, logger } = options;
  const trustDomain = typeof options.trustDomain === 'string' ? TrustDomain.parse(options.trustDomain) : options.trustDomain;
  const config = options.config ?? DEFAULT_REGISTRAR_CONFIG;
  const limits = registrarLimits(config);
  const clock = options.clock ?? systemClock;
  const tracer = options.tracer ?? defaultTracer();
  const admin = options.agentAdmin ?? datastoreAgentAdmin(db, clock);
  const catalog = options.catalog ?? datastoreTrustDomainCatalog(db);
  const entries = new EntryService({ db, trustDomain, clock, limits, catalog, tracer });
  const tokens = new JoinTokenService({ db, trustDomain, clock, limits, tracer });
  const agents = new AgentService({ admin, trustDomain, limits });
  const bundles = new BundleService({ db, trustDomain, clock, limits, tracer });
  const federation = new FederationService({ db, trustDomain, clock, limits, tracer });
  const gauges = startRegistrarMetrics({
    meter: options.meter ?? metrics.getMeter('signet.registrar'),
    countEntries: () => countEntries(db),
    countAgents: () => countNodesByState(db),
    clock,
    intervalMs: config.metrics_interval,
    logger,
  });
  const sweeper = new ExpirySweeper({ db, entries, clock, logger });
  sweeper.start(config.sweep_interval ?? 60_000);
  const service = registrarService({ entries, tokens, agents, bundles, federation });
  return {
    service,
    routes: registrarRestRoutes(service),
    entries,
    tokens,
    agents,
    bundles,
    federation,
    sweepExpired: () => sweeper.sweep(),
    close: async () => {
      await sweeper.stop();
      await gauges.close();
    },
  };
}
