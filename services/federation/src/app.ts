/**
 * The federation service's composition root: the bundle endpoint (serving the local bundle), the
 * bundle fetchers (one per federation relationship), the OIDC discovery provider, their metrics,
 * and one change-log subscription that keeps all of them current.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { metrics as otelMetrics, type Meter } from '@opentelemetry/api';
import {
  appendEvent,
  EventKinds,
  EventsPrunedError,
  latestRevision,
  listFederationStatuses,
  subscribeEvents,
  type ChangeEvent,
  type Db,
  type EventSubscription,
} from '@signet/datastore';
import { systemClock, type Clock, type Logger, type X509SvidSource } from '@signet/platform';
import { TrustDomain } from '@signet/spiffe';
import type { FederationConfig } from './config.js';
import { BundleEndpointServer } from './endpoint/bundle-endpoint.js';
import { BundleFetchers } from './fetch/fetchers.js';
import type { RefreshResult, RelationshipHealth } from './fetch/fetcher.js';
import { FileTlsCredentials, SvidTlsCredentials, type TlsCredentials } from './internal/credentials.js';
import { LocalBundleCache } from './internal/local-bundle.js';
import { OidcDiscoveryServer } from './oidc/server.js';
import { FederationMetrics } from './telemetry/metrics.js';

/** Options of {@link createFederationService}. */
export interface CreateFederationServiceOptions {
  readonly db: Db;
  /** The local trust domain (the bundle served; never fetched). */
  readonly trustDomain: string | TrustDomain;
  /** The `federation` config section. */
  readonly config: FederationConfig;
  /** Default: the system clock. */
  readonly clock?: Clock;
  readonly logger: Logger;
  /** Default: `metrics.getMeter('signet-federation')` of the global provider. */
  readonly meter?: Meter;
  /** This server's X.509-SVID; required for the `https_spiffe` bundle endpoint. */
  readonly svidSource?: X509SvidSource;
  /** This replica's fetch-lease owner id; default `<hostname>:<pid>:<random>`. */
  readonly ownerId?: string;
  /** Follow the change log (default true). */
  readonly followEvents?: boolean;
  /** How often certificate files are re-read, ms (default 5 000). */
  readonly certReloadIntervalMs?: number;
  /** Jitter source for retry backoff, [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/** The addresses the service listens on, for `endpoints.json`. */
export interface FederationEndpoints {
  /** The bundle endpoint URL foreign trust domains configure. */
  readonly bundle_endpoint_url?: string;
  /** `https_spiffe`: the SPIFFE ID the bundle endpoint serves with (their "endpoint SPIFFE ID"). */
  readonly bundle_endpoint_spiffe_id?: string;
  /** The OIDC discovery document on this listener. */
  readonly oidc_discovery_url?: string;
  /** The OIDC issuer. */
  readonly oidc_issuer?: string;
}

/** The service's health, for the CLI and the registrar. */
export interface FederationHealth {
  readonly trust_domain: string;
  readonly bundle_endpoint:
    | {
        readonly url: string;
        readonly profile: 'https_web' | 'https_spiffe';
        /** False until the CA has published the local bundle (the endpoint answers 503 meanwhile). */
        readonly serving: boolean;
        /** `spiffe_sequence` of the bundle served. */
        readonly sequence_number: bigint | undefined;
      }
    | undefined;
  /** Every federation relationship, by trust domain. */
  readonly relationships: readonly RelationshipHealth[];
}

/** A built federation service. */
export interface FederationService {
  /**
   * Loads the local bundle, subscribes to the change log, starts the bundle endpoint and the OIDC
   * provider (when enabled) and the fetchers. Rejects (having undone what it started) when a
   * listener cannot start or the credentials are unusable.
   */
  start(): Promise<void>;
  /** The listening addresses (after `start`). */
  endpoints(): FederationEndpoints;
  /** Per-relationship fetch health (from the datastore, so every replica reports the same) and the endpoint's state. */
  health(): Promise<FederationHealth>;
  /**
   * Refreshes the bundle of `trustDomain` now. When another replica holds its fetch lease, a
   * `federation_relationship.refresh_requested` event is appended for that replica and the result
   * is `skipped`. Rejects when there is no relationship with `trustDomain`.
   */
  refresh(trustDomain: string): Promise<RefreshResult>;
  /** Resolves once no refresh is running (tests). */
  idle(): Promise<void>;
  /** Stops the listeners, the fetchers (releasing their leases) and the subscription. */
  close(): Promise<void>;
}

/**
 * Builds the federation service.
 *
 * @example
 * ```ts
 * const federation = createFederationService({ db, trustDomain: config.trust_domain, config: config.federation, clock: systemClock, logger, meter: telemetry.meter('federation'), svidSource: serverSvid.holder });
 * await federation.start();
 * lifecycle.add('federation', () => federation.close());
 * await writeEndpointsFile(dataDir, { ...processEndpoints(rt), ...federation.endpoints() });
 * ```
 */
export function createFederationService(options: CreateFederationServiceOptions): FederationService {
  const { db, config, logger } = options;
  const trustDomain = typeof options.trustDomain === 'string' ? TrustDomain.parse(options.trustDomain) : options.trustDomain;
  const clock = options.clock ?? systemClock;
  const meter = options.meter ?? otelMetrics.getMeter('signet-federation');
  const ownerId = options.ownerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const local = new LocalBundleCache({ db, trustDomain, logger });
  const endpointConfig = config.bundle_endpoint;
  const fetchConfig = config.fetch;

  let fetchers: BundleFetchers | undefined;
  const metrics = new FederationMetrics(meter, clock, () => fetchers?.views() ?? []);
  let subscription: EventSubscription | undefined;
  let endpoint: BundleEndpointServer | undefined;
  let endpointCredentials: SvidTlsCredentials | undefined;
  let oidc: OidcDiscoveryServer | undefined;
  let started = false;

  const fileCredentials = (certFile: string, keyFile: string, name: string): Promise<FileTlsCredentials> =>
    FileTlsCredentials.load({ certFile, keyFile, clock, logger, name, ...(options.certReloadIntervalMs === undefined ? {} : { pollIntervalMs: options.certReloadIntervalMs }) });

  const onEvent = async (event: ChangeEvent): Promise<void> => {
    await local.handleEvent(event);
    await fetchers?.handleEvent(event);
  };
  const onError = (err: unknown): void => {
    if (err instanceof EventsPrunedError) {
      logger.warn({ err }, 'federation: change events were pruned before being read; reloading everything');
      void local.reload().catch((e: unknown) => logger.error({ err: e }, 'federation: could not reload the local bundle'));
      void fetchers?.resync().catch((e: unknown) => logger.error({ err: e }, 'federation: could not reload the federation relationships'));
      return;
    }
    logger.warn({ err }, 'federation: following the change log');
  };

  const close = async (): Promise<void> => {
    started = false;
    const sub = subscription;
    subscription = undefined;
    await sub?.close();
    const closing: Promise<void>[] = [];
    if (endpoint !== undefined) closing.push(endpoint.close());
    if (oidc !== undefined) closing.push(oidc.close());
    if (fetchers !== undefined) closing.push(fetchers.close());
    await Promise.all(closing);
  };

  return {
    async start() {
      if (started) throw new Error('federation: already started');
      started = true;
      try {
        const extraCa = await Promise.all(fetchConfig.extra_ca_files.map((f) => readFile(f, 'utf8')));
        fetchers = new BundleFetchers({
          db,
          localTrustDomain: trustDomain,
          clock,
          logger,
          metrics,
          ownerId,
          bounds: {
            minRefreshMs: fetchConfig.min_refresh_interval,
            maxRefreshMs: fetchConfig.max_refresh_interval,
            defaultRefreshMs: fetchConfig.default_refresh_interval,
          },
          timeoutMs: fetchConfig.fetch_timeout,
          maxBytes: fetchConfig.max_bundle_size,
          webCa: extraCa.length === 0 ? undefined : [...rootCertificates, ...extraCa],
          ...(options.random === undefined ? {} : { random: options.random }),
        });
        const fromRevision = await latestRevision(db);
        // An unreadable local bundle must not keep fetching and OIDC down: log it, serve 503 until a good one.
        await local.reload().catch((err: unknown) => logger.error({ err }, 'federation: could not load the local bundle'));
        if (options.followEvents !== false) subscription = await subscribeEvents(db, { fromRevision, onEvent, onError });

        if (endpointConfig.enabled) {
          let credentials: TlsCredentials;
          if (endpointConfig.profile === 'https_spiffe') {
            if (options.svidSource === undefined) throw new Error('federation: the https_spiffe bundle endpoint needs the server\'s X.509-SVID (svidSource)');
            credentials = endpointCredentials = new SvidTlsCredentials(options.svidSource, logger);
          } else {
            credentials = await fileCredentials(endpointConfig.cert_file!, endpointConfig.key_file!, 'bundle endpoint');
          }
          endpoint = new BundleEndpointServer({
            host: endpointConfig.host,
            port: endpointConfig.port,
            path: endpointConfig.path,
            credentials,
            bundle: () => local.bundle,
            refreshHintSeconds: endpointConfig.refresh_hint === undefined ? undefined : Math.max(1, Math.round(endpointConfig.refresh_hint / 1000)),
            logger,
          });
          await endpoint.listen();
          if (local.bundle === undefined) logger.warn('bundle endpoint: the CA has not published the local bundle yet; answering 503 until it does');
        }

        const oidcConfig = config.oidc;
        if (oidcConfig.enabled) {
          const credentials =
            oidcConfig.cert_file !== undefined && oidcConfig.key_file !== undefined
              ? await fileCredentials(oidcConfig.cert_file, oidcConfig.key_file, 'oidc discovery')
              : undefined;
          oidc = new OidcDiscoveryServer({
            host: oidcConfig.host,
            port: oidcConfig.port,
            issuer: oidcConfig.issuer,
            credentials,
            maxAgeSeconds: Math.round(oidcConfig.max_age / 1000),
            bundle: () => local.bundle,
            logger,
          });
          await oidc.listen();
        }

        await fetchers.start();
      } catch (err) {
        await close().catch(() => undefined);
        throw err;
      }
    },

    endpoints() {
      return {
        ...(endpoint?.url === undefined ? {} : { bundle_endpoint_url: endpoint.url }),
        ...(endpointCredentials === undefined || endpoint?.url === undefined ? {} : { bundle_endpoint_spiffe_id: endpointCredentials.spiffeId().toString() }),
        ...(oidc?.discoveryUrl === undefined ? {} : { oidc_discovery_url: oidc.discoveryUrl }),
        ...(oidc?.issuer === undefined ? {} : { oidc_issuer: oidc.issuer }),
      };
    },

    async health() {
      const statuses = await listFederationStatuses(db).catch((err: unknown) => {
        logger.warn({ err }, 'federation: could not read federation_status; reporting this replica\'s view');
        return [];
      });
      const bundle = local.bundle;
      return {
        trust_domain: trustDomain.name,
        bundle_endpoint:
          endpoint?.url === undefined
            ? undefined
            : { url: endpoint.url, profile: endpointConfig.profile, serving: bundle !== undefined, sequence_number: bundle?.sequenceNumber },
        relationships: fetchers?.health(statuses) ?? [],
      };
    },

    async refresh(td: string) {
      if (fetchers === undefined) throw new Error('federation: not started');
      const result = await fetchers.refresh(td);
      if (result.outcome === 'skipped') {
        await appendEvent(db, { kind: EventKinds.federationRefreshRequested, subject: td }, clock.now());
      }
      return result;
    },

    async idle() {
      await fetchers?.idle();
    },

    close,
  };
}
