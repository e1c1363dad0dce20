/**
 * The CA's composition root: builds the key manager, upstream, authority manager, ledger,
 * signer, rate limiter, metrics and the `signet.ca.v1.CA` service from config. It listens on
 * nothing; the caller wires the service into a transport.
 * @module
 */
import type { Meter, Tracer } from '@opentelemetry/api';
import type { Db, EventSubscription } from '@signet/datastore';
import { RateLimiter, type Cancel, type Clock, type Logger, type ServiceImpl } from '@signet/platform';
import { p256VerifierInUse, TrustDomain } from '@signet/spiffe';
import { caService } from './api/ca/v1/service.js';
import { AuthorityFactory } from './authority/authority-factory.js';
import { followAuthorityChanges } from './authority/journal-follower.js';
import { AuthorityManager } from './authority/manager.js';
import type { CaConfig } from './config.js';
import type { KeyManager } from './keymanager/key-manager.js';
import type { KeyType } from './keymanager/key-types.js';
import { createKeyManager } from './keymanager/registry.js';
import { LedgerWriter } from './ledger/ledger-writer.js';
import { pruneExpiredIssuances } from './ledger/prune.js';
import type { EntryAuthorizer } from './signing/entry-authorizer.js';
import { CaSigner } from './signing/signer.js';
import { CaMetrics } from './telemetry/ca-metrics.js';
import { createUpstreamAuthority } from './upstream/registry.js';
import type { UpstreamAuthority } from './upstream/upstream.js';

/** The config keys the CA reads: the shared `trust_domain` and `data_dir`, and its `ca` section. */
export interface CaServiceConfig {
  readonly trust_domain: string;
  readonly data_dir: string;
  readonly ca: CaConfig;
}

/** Options of {@link createCaService}. */
export interface CreateCaServiceOptions {
  readonly db: Db;
  readonly config: CaServiceConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly meter: Meter;
  readonly tracer: Tracer;
  /** Which entries agents may get SVIDs for (implemented by the attestation service). */
  readonly authorizer: EntryAuthorizer;
  /** Overrides `ca.key_manager` (e.g. a KMS-backed manager). */
  readonly keyManager?: KeyManager;
  /** Overrides `ca.upstream`. */
  readonly upstream?: UpstreamAuthority;
  /** Follow the change log to learn of other replicas' rotations at once (default true). */
  readonly followEvents?: boolean;
}

/** A built CA. */
export interface CaServiceHandle {
  readonly service: ServiceImpl;
  readonly manager: AuthorityManager;
  readonly signer: CaSigner;
  readonly ledger: LedgerWriter;
  /** `ca.key_types.svid`: the key type agents should generate for SVIDs. */
  readonly svidKeyType: KeyType;
  /**
   * Loads the journal, bootstraps or rotates (first tick), then ticks every `ca.rotation_interval`;
   * the replica holding the rotation lock also prunes ledger rows past `ca.ledger.retention`.
   */
  start(): Promise<void>;
  /** Resolves once no rotation tick started by the ticker is running. */
  idle(): Promise<void>;
  /** Stops ticking and following, and writes the buffered ledger rows. */
  close(): Promise<void>;
}

/**
 * Builds the CA.
 *
 * @example
 * ```ts
 * const ca = await createCaService({ db, config, clock: systemClock, logger, meter: telemetry.meter('ca'), tracer: telemetry.tracer('ca'), authorizer });
 * await ca.start();
 * grpcServer.add(CA_SERVICE_NAME, ca.service);
 * lifecycle.add('ca', () => ca.close());
 * ```
 */
export async function createCaService(options: CreateCaServiceOptions): Promise<CaServiceHandle> {
  const { db, config, clock, logger, meter, tracer, authorizer } = options;
  const ca = config.ca;
  const trustDomain = TrustDomain.parse(config.trust_domain);
  const seconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));
  const keyManager = options.keyManager ?? (await createKeyManager(ca.key_manager, config.data_dir));
  const upstream = options.upstream ?? (await createUpstreamAuthority(ca.upstream));
  if (ca.x509_svid_ttl > ca.ca_ttl / 6) {
    logger.warn({ x509_svid_ttl: ca.x509_svid_ttl, ca_ttl: ca.ca_ttl }, 'ca: x509_svid_ttl exceeds a sixth of ca_ttl; SVIDs signed near rotation are shortened to the CA expiry');
  }
  const factory = new AuthorityFactory({
    trustDomain,
    keyManager,
    upstream,
    x509: {
      keyType: ca.key_types.x509_ca,
      ttlSeconds: seconds(ca.ca_ttl),
      subject: {
        organization: ca.subject.organization,
        ...(ca.subject.country === undefined ? {} : { country: ca.subject.country }),
        ...(ca.subject.common_name === undefined ? {} : { commonName: ca.subject.common_name }),
      },
    },
    jwt: { keyType: ca.key_types.jwt, ttlSeconds: seconds(ca.jwt_key_ttl) },
  });
  // The gauge callback reads the manager lazily, once it exists.
  const metrics: CaMetrics = new CaMetrics(meter, clock, () => manager.snapshot);
  const manager: AuthorityManager = new AuthorityManager({
    db,
    trustDomain,
    clock,
    logger,
    factory,
    refreshHintSeconds: seconds(ca.refresh_hint),
    tracer,
    metrics,
  });
  const ledger = new LedgerWriter({
    db,
    clock,
    logger,
    flushIntervalMs: ca.ledger.flush_interval,
    maxBatch: ca.ledger.max_batch,
    onDropped: (rows) => metrics.ledgerDropped(rows),
  });
  const signer = new CaSigner({
    trustDomain,
    clock,
    authorities: manager,
    authorizer,
    ledger,
    tracer,
    metrics,
    x509SvidTtlSeconds: seconds(ca.x509_svid_ttl),
    agentSvidTtlSeconds: seconds(ca.agent_svid_ttl),
    jwtSvidTtlSeconds: seconds(ca.jwt_svid_ttl),
    jwtIssuer: ca.jwt_issuer,
    agentPathPrefix: ca.agent_path_prefix,
  });
  const limiter =
    ca.rate_limit.per_second > 0 ? new RateLimiter({ ratePerSecond: ca.rate_limit.per_second, burst: ca.rate_limit.burst, clock }) : undefined;
  const service = caService({ trustDomain, signer, authorities: manager, limiter });

  let stopTicking: Cancel | undefined;
  let ticking: Promise<void> | undefined;
  let follower: EventSubscription | undefined;
  /** One rotation tick; the rotating replica also prunes the ledger. */
  const rotate = async (): Promise<void> => {
    if ((await manager.tick()).leader) await pruneExpiredIssuances(db, clock.now(), ca.ledger.retention, logger);
  };
  const tick = (): void => {
    ticking = rotate().catch((err: unknown) => logger.error({ err }, 'ca: rotation tick failed'));
  };
  return {
    service,
    manager,
    signer,
    ledger,
    svidKeyType: ca.key_types.svid,
    async start() {
      logger.info({ csr_p256_verifier: p256VerifierInUse() }, 'ca: CSR signature verifier for P-256 keys');
      await rotate();
      if (options.followEvents !== false) follower = await followAuthorityChanges(db, trustDomain.name, () => manager.reload(), logger);
      stopTicking = clock.setInterval(tick, ca.rotation_interval);
    },
    async idle() {
      await ticking;
    },
    async close() {
      stopTicking?.();
      stopTicking = undefined;
      await ticking;
      await follower?.close();
      follower = undefined;
      await ledger.close();
    },
  };
}
