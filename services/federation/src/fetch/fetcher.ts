/**
 * The fetcher of one federation relationship: polls its bundle endpoint on a schedule, keeps the
 * last good bundle, stores each new one (source `federated`, with a `bundle.updated` event in the
 * same transaction, so agents receive it) and records every attempt in `federation_status`.
 *
 * One replica at a time: each cycle first claims the relationship's lease in `federation_status`
 * (`claimFederationLease`, until the end of the fetch: 2 × `fetch_timeout`), and after the fetch
 * renews it until the next cycle is due plus 2 × `fetch_timeout`. The holder therefore keeps it
 * from cycle to cycle; a replica that does not get it skips, reads the status row (for its
 * health and gauges) and tries again after `min_refresh_interval`, taking over once the holder
 * stops renewing (stopped, crashed: at most one refresh interval plus 2 × `fetch_timeout` late).
 * Closing releases the lease.
 *
 * Scheduling (see `schedule.ts`) uses the injected clock; the network deadline of a fetch is
 * real time (it bounds I/O, not the schedule).
 * @module
 */
import {
  appendEvent,
  claimFederationLease,
  DatastoreError,
  EventKinds,
  getBundle,
  getFederationRelationship,
  getFederationStatus,
  putBundle,
  recordFederationFailure,
  recordFederationSuccess,
  releaseFederationLease,
  type Db,
  type FederationRelationship,
  type FederationStatus,
} from '@signet/datastore';
import type { Cancel, Clock, Logger } from '@signet/platform';
import { SpiffeBundle, SpiffeId, TrustDomain, type X509Bundle } from '@signet/spiffe';
import type { FederationMetrics, RelationshipMetricsView } from '../telemetry/metrics.js';
import { isStale } from '../telemetry/metrics.js';
import { fetchBundleDocument } from './client.js';
import { BundleFetchError, type FetchErrorKind } from './errors.js';
import { backoffMs, refreshIntervalMs, type RefreshBounds } from './schedule.js';
import { decideUpdate, parseFetchedBundle } from './validate.js';

/** What the fetchers of one service share. */
export interface FetcherDeps {
  readonly db: Db;
  readonly localTrustDomain: TrustDomain;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: FederationMetrics;
  /** This replica's lease owner id. */
  readonly ownerId: string;
  readonly bounds: RefreshBounds;
  /** `fetch_timeout`, ms. */
  readonly timeoutMs: number;
  /** `max_bundle_size`, bytes. */
  readonly maxBytes: number;
  /** https_web: trusted CAs (PEM); `undefined`: Node's default CAs. */
  readonly webCa: readonly string[] | undefined;
  /** Jitter source, [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/** How a refresh ended. */
export type RefreshOutcome =
  /** A new bundle was stored. */
  | 'updated'
  /** The endpoint served the bundle held; only the status was written. */
  | 'unchanged'
  /** The fetch or the bundle was refused; the last good bundle stays. */
  | 'failed'
  /** Another replica holds the lease and fetches this relationship. */
  | 'skipped'
  /** The relationship was deleted meanwhile, or the fetcher stopped. */
  | 'stopped';

/** The result of one refresh. */
export interface RefreshResult {
  readonly trustDomain: string;
  readonly outcome: RefreshOutcome;
  /** The failure kind, when `failed`. */
  readonly errorKind?: FetchErrorKind;
  /** `<kind>: <message>`, when `failed` (as recorded in `federation_status.last_error`). */
  readonly error?: string;
  /** `spiffe_sequence` of the bundle held after the refresh. */
  readonly sequenceNumber?: bigint | undefined;
}

/** The fetch health of one relationship. */
export interface RelationshipHealth {
  readonly trustDomain: string;
  readonly bundleEndpointUrl: string;
  readonly bundleEndpointProfile: 'https_web' | 'https_spiffe';
  readonly endpointSpiffeId: string | undefined;
  /** True when this replica holds the fetch lease. */
  readonly fetchedByThisReplica: boolean;
  readonly lastAttemptAt: Date | undefined;
  readonly lastSuccessAt: Date | undefined;
  /** Why the last attempt failed (`<kind>: <message>`); undefined after a success. */
  readonly lastError: string | undefined;
  /** Failures in a row seen by this replica. */
  readonly consecutiveFailures: number;
  readonly sequenceNumber: bigint | undefined;
  readonly refreshHintSeconds: number | undefined;
  /** The polling interval in force (hint bounded, or the default), seconds. */
  readonly refreshIntervalSeconds: number;
  readonly nextRefreshAt: Date | undefined;
  /** Seconds since the bundle was last confirmed current (since the relationship was loaded, before). */
  readonly bundleAgeSeconds: number;
  /** Not refreshed within twice the refresh interval. */
  readonly stale: boolean;
}

/** Fetches one relationship's bundle on schedule; see the module documentation. */
export class RelationshipFetcher {
  readonly #deps: FetcherDeps;
  readonly #td: TrustDomain;
  readonly #since: Date;
  readonly #abort = new AbortController();
  #rel: FederationRelationship;
  #failures = 0;
  #lastAttemptAt: Date | undefined;
  #lastSuccessAt: Date | undefined;
  #lastError: string | undefined;
  #sequence: bigint | undefined;
  #hint: number | undefined;
  #intervalMs: number;
  #nextAt: Date | undefined;
  #leaseHeld = false;
  #timer: Cancel | undefined;
  #running: Promise<RefreshResult> | undefined;
  #pending: Promise<RefreshResult> | undefined;
  #stopped = false;

  constructor(deps: FetcherDeps, relationship: FederationRelationship, status?: FederationStatus) {
    this.#deps = deps;
    this.#rel = relationship;
    this.#td = TrustDomain.parse(relationship.trustDomain);
    this.#since = relationship.createdAt;
    this.#intervalMs = refreshIntervalMs(undefined, deps.bounds);
    if (status !== undefined) this.#observe(status);
  }

  /** The relationship's trust domain. */
  get trustDomain(): string {
    return this.#td.name;
  }

  /** The relationship as last loaded. */
  get relationship(): FederationRelationship {
    return this.#rel;
  }

  /** Takes a relationship whose endpoint did not change (no refresh); see {@link RelationshipFetcher.update}. */
  set relationship(relationship: FederationRelationship) {
    this.#rel = relationship;
  }

  /** Schedules the first refresh: when the status row says it is due, or now. */
  start(): void {
    const due = this.#nextAt === undefined ? 0 : this.#nextAt.getTime() - this.#deps.clock.nowMs();
    this.#schedule(Math.max(0, due));
  }

  /** Takes a changed relationship (endpoint URL, profile, SPIFFE ID) and refreshes now with it. */
  update(relationship: FederationRelationship): Promise<RefreshResult> {
    this.#rel = relationship;
    this.#failures = 0;
    return this.refreshNow();
  }

  /**
   * Refreshes as soon as possible (after a refresh already running), instead of at the scheduled
   * time; concurrent requests share one refresh.
   */
  refreshNow(): Promise<RefreshResult> {
    if (this.#stopped) return Promise.resolve(this.#result('stopped'));
    this.#pending ??= (this.#running ?? Promise.resolve()).then(() => {
      this.#pending = undefined;
      return this.#run();
    });
    return this.#pending;
  }

  /** Resolves once no refresh is running or queued. */
  async idle(): Promise<void> {
    while (this.#running !== undefined || this.#pending !== undefined) {
      await (this.#pending ?? this.#running);
    }
  }

  /** Stops polling, cancels a fetch in flight and, when `release`, gives the lease up. */
  async stop(release = true): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#timer?.();
    this.#timer = undefined;
    this.#abort.abort(new Error('the fetcher stopped'));
    await this.idle();
    if (release && this.#leaseHeld) {
      this.#leaseHeld = false;
      await releaseFederationLease(this.#deps.db, this.#td.name, this.#deps.ownerId).catch((err: unknown) =>
        this.#deps.logger.warn({ err, trust_domain: this.#td.name }, 'federation: could not release the fetch lease'),
      );
    }
  }

  /** What the gauges read. */
  view(): RelationshipMetricsView {
    return { trustDomain: this.#td.name, lastSuccessAt: this.#lastSuccessAt, since: this.#since, refreshIntervalMs: this.#intervalMs };
  }

  /** This replica's view of the relationship's health (see the service's `health()` for the datastore's). */
  health(status?: FederationStatus): RelationshipHealth {
    if (status !== undefined) this.#observe(status);
    const now = this.#deps.clock.nowMs();
    const view = this.view();
    return {
      trustDomain: this.#td.name,
      bundleEndpointUrl: this.#rel.bundleEndpointUrl,
      bundleEndpointProfile: this.#rel.bundleEndpointProfile,
      endpointSpiffeId: this.#rel.endpointSpiffeId ?? undefined,
      fetchedByThisReplica: this.#leaseHeld,
      lastAttemptAt: this.#lastAttemptAt,
      lastSuccessAt: this.#lastSuccessAt,
      lastError: this.#lastError,
      consecutiveFailures: this.#failures,
      sequenceNumber: this.#sequence,
      refreshHintSeconds: this.#hint,
      refreshIntervalSeconds: this.#intervalMs / 1000,
      nextRefreshAt: this.#nextAt,
      bundleAgeSeconds: Math.max(0, (now - (this.#lastSuccessAt ?? this.#since).getTime()) / 1000),
      stale: isStale(view, now),
    };
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer?.();
    this.#nextAt = new Date(this.#deps.clock.nowMs() + delayMs);
    this.#timer = this.#deps.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.refreshNow();
    }, delayMs);
  }

  #run(): Promise<RefreshResult> {
    this.#timer?.();
    this.#timer = undefined;
    const run: Promise<RefreshResult> = this.#cycle()
      .catch((err: unknown) => {
        this.#deps.logger.error({ err, trust_domain: this.#td.name }, 'federation: refresh cycle failed');
        this.#schedule(this.#deps.bounds.minRefreshMs);
        return this.#result('failed', new BundleFetchError('internal', String((err as Error)?.message ?? err)));
      })
      .finally(() => {
        if (this.#running === run) this.#running = undefined;
      });
    this.#running = run;
    return run;
  }

  async #cycle(): Promise<RefreshResult> {
    const { db, clock, ownerId, timeoutMs } = this.#deps;
    if (this.#stopped) return this.#result('stopped');
    const started = clock.now();
    let held: boolean;
    try {
      held = await claimFederationLease(db, this.#td.name, ownerId, new Date(started.getTime() + 2 * timeoutMs), started);
    } catch (err) {
      return this.#failed(new BundleFetchError('datastore', `could not claim the fetch lease: ${(err as Error).message}`, { cause: err }), false);
    }
    if (this.#stopped) return this.#result('stopped');
    if (!held) {
      this.#leaseHeld = false;
      const status = await getFederationStatus(db, this.#td.name).catch(() => undefined);
      this.#schedule(this.#deps.bounds.minRefreshMs); // check the lease again then
      if (status !== undefined) this.#observe(status); // and report the holder's plan
      return this.#result('skipped');
    }
    this.#leaseHeld = true;
    this.#lastAttemptAt = started;
    let bundle: SpiffeBundle;
    let stored: 'updated' | 'unchanged' | 'deleted';
    let finalUrl: string;
    try {
      const trust = this.#rel.bundleEndpointProfile === 'https_spiffe' ? await this.#endpointTrust() : undefined;
      const fetched = await fetchBundleDocument({
        url: this.#rel.bundleEndpointUrl,
        profile: this.#rel.bundleEndpointProfile,
        endpointSpiffeId: trust?.id,
        endpointBundle: trust?.bundle,
        ca: this.#deps.webCa,
        timeoutMs,
        maxBytes: this.#deps.maxBytes,
        now: () => clock.now(),
        signal: this.#abort.signal,
      });
      finalUrl = fetched.url;
      bundle = parseFetchedBundle(this.#td, fetched.body);
      stored = await this.#store(bundle);
    } catch (err) {
      if (this.#stopped) return this.#result('stopped');
      return this.#failed(asFetchError(err), true);
    }
    if (stored === 'deleted') return this.#result('stopped');
    return this.#succeeded(bundle, stored, finalUrl);
  }

  /** https_spiffe: the endpoint SPIFFE ID and the bundle held for its trust domain now. */
  async #endpointTrust(): Promise<{ id: SpiffeId; bundle: X509Bundle }> {
    const raw = this.#rel.endpointSpiffeId;
    const id = raw === null ? undefined : SpiffeId.tryParse(raw);
    if (id === undefined) throw new BundleFetchError('authentication', `the relationship's endpoint SPIFFE ID ${JSON.stringify(raw)} is not a SPIFFE ID`);
    let held;
    try {
      held = await getBundle(this.#deps.db, id.trustDomain.name);
    } catch (err) {
      throw new BundleFetchError('datastore', `could not read the bundle of "${id.trustDomain.name}": ${(err as Error).message}`, { cause: err });
    }
    if (held === undefined) {
      throw new BundleFetchError(
        'authentication',
        `no bundle of trust domain "${id.trustDomain.name}" is held to authenticate the endpoint ${id.toString()}: set its bootstrap bundle first`,
      );
    }
    try {
      return { id, bundle: SpiffeBundle.parse(id.trustDomain, JSON.stringify(held.document)).x509Bundle() };
    } catch (err) {
      throw new BundleFetchError('authentication', `the bundle held for "${id.trustDomain.name}" cannot be read: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Stores `bundle` unless it equals the one held; `deleted` when the relationship is gone. */
  async #store(bundle: SpiffeBundle): Promise<'updated' | 'unchanged' | 'deleted'> {
    const td = this.#td.name;
    if (this.#td.equals(this.#deps.localTrustDomain)) {
      throw new BundleFetchError('datastore', `"${td}" is this server's own trust domain; its bundle is not fetched`);
    }
    const now = this.#deps.clock.now();
    try {
      return await this.#deps.db.transaction(async (tx) => {
        if ((await getFederationRelationship(tx, td)) === undefined) return 'deleted';
        const current = await getBundle(tx, td);
        if (current?.source === 'local') throw new BundleFetchError('datastore', `the bundle of "${td}" is a local bundle`);
        let held: SpiffeBundle | undefined;
        try {
          held = current === undefined ? undefined : SpiffeBundle.parse(this.#td, JSON.stringify(current.document));
        } catch {
          held = undefined; // an unreadable stored bundle is replaced
        }
        const status = await getFederationStatus(tx, td);
        const lastFetched = status?.lastSuccessAt === undefined ? undefined : status.sequenceNumber;
        if (decideUpdate(held, bundle, lastFetched) === 'unchanged') return 'unchanged';
        const row = await putBundle(tx, { trustDomain: td, document: JSON.parse(bundle.toJson()), source: 'federated' }, now, {
          expectedSequence: current?.sequence ?? 0,
        });
        const payload = { source: 'federated', sequence: row.sequence, ...(bundle.sequenceNumber === undefined ? {} : { spiffe_sequence: bundle.sequenceNumber.toString() }) };
        await appendEvent(tx, { kind: EventKinds.bundleUpdated, subject: td, payload }, now);
        return 'updated';
      });
    } catch (err) {
      if (err instanceof BundleFetchError) throw err;
      throw new BundleFetchError('datastore', `could not store the bundle: ${(err as Error).message}`, { cause: err });
    }
  }

  async #succeeded(bundle: SpiffeBundle, stored: 'updated' | 'unchanged', url: string): Promise<RefreshResult> {
    const { db, clock, logger, metrics, timeoutMs } = this.#deps;
    const now = clock.now();
    this.#failures = 0;
    this.#lastSuccessAt = now;
    this.#lastError = undefined;
    this.#sequence = bundle.sequenceNumber;
    this.#hint = bundle.refreshHint;
    this.#intervalMs = refreshIntervalMs(bundle.refreshHint, this.#deps.bounds);
    const next = new Date(now.getTime() + this.#intervalMs);
    metrics.attempt(this.#td.name, 'ok');
    if (stored === 'updated') metrics.updated(this.#td.name);
    logger.info(
      {
        trust_domain: this.#td.name,
        url,
        outcome: stored,
        spiffe_sequence: bundle.sequenceNumber?.toString(),
        x509_authorities: bundle.x509Authorities().length,
        jwt_authorities: bundle.jwtAuthorities().size,
        next_refresh_at: next.toISOString(),
      },
      stored === 'updated' ? 'federation: fetched and stored a new bundle' : 'federation: fetched the bundle; unchanged',
    );
    try {
      await recordFederationSuccess(
        db,
        { trustDomain: this.#td.name, sequenceNumber: bundle.sequenceNumber, refreshHintSeconds: bundle.refreshHint, refreshIntervalSeconds: this.#intervalMs / 1000, nextRefreshAt: next },
        now,
      );
      await this.#renewLease(next, timeoutMs);
    } catch (err) {
      logger.warn({ err, trust_domain: this.#td.name }, 'federation: could not record the fetch status');
    }
    this.#schedule(this.#intervalMs);
    return this.#result(stored);
  }

  async #failed(error: BundleFetchError, record: boolean): Promise<RefreshResult> {
    const { db, clock, logger, metrics, timeoutMs } = this.#deps;
    const now = clock.now();
    this.#failures++;
    this.#lastError = error.describe();
    const delay = backoffMs(this.#failures, this.#intervalMs, this.#deps.bounds, this.#deps.random);
    const next = new Date(now.getTime() + delay);
    metrics.attempt(this.#td.name, error.kind);
    logger.warn(
      { trust_domain: this.#td.name, url: this.#rel.bundleEndpointUrl, kind: error.kind, error: error.message, failures: this.#failures, retry_at: next.toISOString() },
      'federation: bundle fetch failed; keeping the bundle held',
    );
    if (record) {
      try {
        await recordFederationFailure(db, { trustDomain: this.#td.name, error: this.#lastError, nextRefreshAt: next }, now);
        await this.#renewLease(next, timeoutMs);
      } catch (err) {
        logger.warn({ err, trust_domain: this.#td.name }, 'federation: could not record the fetch status');
      }
    }
    this.#schedule(delay);
    return this.#result('failed', error);
  }

  async #renewLease(next: Date, timeoutMs: number): Promise<void> {
    if (this.#stopped) return;
    const now = this.#deps.clock.now();
    this.#leaseHeld = await claimFederationLease(this.#deps.db, this.#td.name, this.#deps.ownerId, new Date(next.getTime() + 2 * timeoutMs), now);
  }

  /** Takes what the datastore knows (another replica's fetches). */
  #observe(status: FederationStatus): void {
    this.#lastAttemptAt = status.lastAttemptAt ?? this.#lastAttemptAt;
    this.#lastSuccessAt = status.lastSuccessAt ?? this.#lastSuccessAt;
    this.#lastError = status.lastError;
    if (status.lastSuccessAt !== undefined) {
      this.#sequence = status.sequenceNumber;
      this.#hint = status.refreshHintSeconds;
      this.#intervalMs = refreshIntervalMs(status.refreshHintSeconds, this.#deps.bounds);
    }
    if (!this.#leaseHeld && status.nextRefreshAt !== undefined) this.#nextAt = status.nextRefreshAt;
  }

  #result(outcome: RefreshOutcome, error?: BundleFetchError): RefreshResult {
    return {
      trustDomain: this.#td.name,
      outcome,
      ...(error === undefined ? {} : { errorKind: error.kind, error: error.describe() }),
      sequenceNumber: this.#sequence,
    };
  }
}

function asFetchError(err: unknown): BundleFetchError {
  if (err instanceof BundleFetchError) return err;
  if (err instanceof DatastoreError) return new BundleFetchError('datastore', err.message, { cause: err });
  return new BundleFetchError('internal', err instanceof Error ? err.message : String(err), { cause: err });
}
