/**
 * The federation service's metrics, per federated trust domain (attribute `trust_domain`):
 * - `signet_federation_last_refresh_timestamp_seconds` (gauge, unix seconds): the last
 *   successful fetch of the bundle, by any replica (absent until the first);
 * - `signet_federation_bundle_age_seconds` (gauge, s): how long ago the bundle held was last
 *   confirmed current by a successful fetch (since the relationship was loaded, before the first);
 * - `signet_federation_bundle_stale` (gauge, 0 or 1): 1 when the bundle has not been refreshed
 *   within twice its refresh interval — the one to alert on (e.g. `max_over_time(…[10m]) == 1`);
 * - `signet_federation_refresh_interval_seconds` (gauge, s): the polling interval in force (the
 *   remote's hint, bounded);
 * - `signet_federation_fetch_attempts` (counter): fetches made by this replica, by `outcome`:
 *   `ok`, or the failure kind (`timeout`, `tls`, `authentication`, `http_status`, `too_large`,
 *   `invalid_bundle`, `wrong_trust_domain`, `no_authorities`, `stale_sequence`, … — see
 *   `FETCH_ERROR_KINDS`);
 * - `signet_federation_bundle_updates` (counter): fetched bundles that replaced the one held.
 *
 * Every replica reports the gauges (from the `federation_status` row it reads when another
 * replica holds the fetch lease); only the fetching replica counts attempts.
 * @module
 */
import type { Attributes, Counter, Meter } from '@opentelemetry/api';
import type { Clock } from '@signet/platform';

/** What the gauges read about one relationship. */
export interface RelationshipMetricsView {
  readonly trustDomain: string;
  /** Last successful fetch (by any replica), if any. */
  readonly lastSuccessAt: Date | undefined;
  /** Since when the relationship has been followed (the staleness reference before a first success). */
  readonly since: Date;
  readonly refreshIntervalMs: number;
}

/** True when the bundle was not refreshed within twice its refresh interval. */
export function isStale(view: RelationshipMetricsView, nowMs: number): boolean {
  const reference = (view.lastSuccessAt ?? view.since).getTime();
  return nowMs - reference > 2 * view.refreshIntervalMs;
}

/**
 * Records the federation metrics on a meter.
 *
 * @example
 * ```ts
 * const metrics = new FederationMetrics(meter, clock, () => fetchers.views());
 * metrics.attempt('partner.example', 'timeout');
 * ```
 */
export class FederationMetrics {
  readonly #attempts: Counter;
  readonly #updates: Counter;
  readonly #attributes = new Map<string, Attributes>();

  constructor(meter: Meter, clock: Pick<Clock, 'nowMs'>, views: () => Iterable<RelationshipMetricsView>) {
    this.#attempts = meter.createCounter('signet_federation_fetch_attempts', { description: 'Bundle fetches made by this replica, by outcome (ok or the failure kind)' });
    this.#updates = meter.createCounter('signet_federation_bundle_updates', { description: 'Fetched bundles that replaced the bundle held' });
    const lastRefresh = meter.createObservableGauge('signet_federation_last_refresh_timestamp_seconds', {
      description: 'Unix time of the last successful fetch of the bundle',
      unit: 's',
    });
    const age = meter.createObservableGauge('signet_federation_bundle_age_seconds', {
      description: 'Time since the bundle held was last confirmed current by a successful fetch',
      unit: 's',
    });
    const stale = meter.createObservableGauge('signet_federation_bundle_stale', {
      description: '1 when the bundle was not refreshed within twice its refresh interval',
    });
    const interval = meter.createObservableGauge('signet_federation_refresh_interval_seconds', {
      description: 'Polling interval in force (the remote refresh hint, bounded)',
      unit: 's',
    });
    meter.addBatchObservableCallback(
      (result) => {
        const now = clock.nowMs();
        for (const view of views()) {
          const attributes = this.#attrs(view.trustDomain);
          if (view.lastSuccessAt !== undefined) result.observe(lastRefresh, Math.floor(view.lastSuccessAt.getTime() / 1000), attributes);
          result.observe(age, Math.max(0, (now - (view.lastSuccessAt ?? view.since).getTime()) / 1000), attributes);
          result.observe(stale, isStale(view, now) ? 1 : 0, attributes);
          result.observe(interval, view.refreshIntervalMs / 1000, attributes);
        }
      },
      [lastRefresh, age, stale, interval],
    );
  }

  /** Counts one fetch attempt with its outcome (`ok` or a failure kind). */
  attempt(trustDomain: string, outcome: string): void {
    this.#attempts.add(1, { trust_domain: trustDomain, outcome });
  }

  /** Counts one fetched bundle stored. */
  updated(trustDomain: string): void {
    this.#updates.add(1, this.#attrs(trustDomain));
  }

  #attrs(trustDomain: string): Attributes {
    let a = this.#attributes.get(trustDomain);
    if (a === undefined) this.#attributes.set(trustDomain, (a = Object.freeze({ trust_domain: trustDomain })));
    return a;
  }
}
