/**
 * One {@link RelationshipFetcher} per federation relationship in the datastore, kept in step with
 * the change log: `federation_relationship.created` / `.updated` (re)load the relationship and
 * refresh it at once, `.deleted` stops its fetcher, releases its lease and forgets its status
 * (Federation §6.3: the relationship ends; the bundle itself is the registrar's to delete), and
 * `federation_relationship.refresh_requested` (subject: the trust domain) refreshes it now.
 * @module
 */
import {
  deleteFederationStatus,
  EventKinds,
  getFederationRelationship,
  listFederationRelationships,
  listFederationStatuses,
  type ChangeEvent,
  type FederationRelationship,
  type FederationStatus,
} from '@signet/datastore';
import { RelationshipFetcher, type FetcherDeps, type RefreshResult, type RelationshipHealth } from './fetcher.js';
import type { RelationshipMetricsView } from '../telemetry/metrics.js';

/** The event kinds the fetchers follow. */
const RELATIONSHIP_EVENTS: ReadonlySet<string> = new Set([
  EventKinds.federationRelationshipCreated,
  EventKinds.federationRelationshipUpdated,
  EventKinds.federationRelationshipDeleted,
  EventKinds.federationRefreshRequested,
]);

/** Every relationship's fetcher; see the module documentation. */
export class BundleFetchers {
  readonly #deps: FetcherDeps;
  readonly #fetchers = new Map<string, RelationshipFetcher>();
  #closed = false;

  constructor(deps: FetcherDeps) {
    this.#deps = deps;
  }

  /** Loads every relationship and starts its fetcher (each first refreshes when its status says it is due). */
  async start(): Promise<void> {
    await this.resync();
  }

  /** Reconciles the fetchers with the relationships stored (at start, and after missed events). */
  async resync(): Promise<void> {
    const relationships: FederationRelationship[] = [];
    let pageToken: string | undefined;
    do {
      const page = await listFederationRelationships(this.#deps.db, { pageToken });
      relationships.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    const statuses = new Map((await listFederationStatuses(this.#deps.db)).map((s) => [s.trustDomain, s]));
    const wanted = new Set(relationships.map((r) => r.trustDomain));
    for (const [td, fetcher] of this.#fetchers) {
      if (!wanted.has(td)) {
        this.#fetchers.delete(td);
        await fetcher.stop();
      }
    }
    for (const relationship of relationships) {
      if (this.#isLocal(relationship.trustDomain)) continue;
      const existing = this.#fetchers.get(relationship.trustDomain);
      if (existing === undefined) this.#add(relationship, statuses.get(relationship.trustDomain));
      else if (changed(existing.relationship, relationship)) void existing.update(relationship);
      else existing.relationship = relationship;
    }
  }

  /**
   * Applies one change-log event (others are ignored). When the datastore cannot be read, every
   * relationship is reloaded instead (so the event is not lost).
   */
  async handleEvent(event: ChangeEvent): Promise<void> {
    if (this.#closed || !RELATIONSHIP_EVENTS.has(event.kind)) return;
    try {
      await this.#apply(event);
    } catch (err) {
      this.#deps.logger.warn({ err, kind: event.kind, trust_domain: event.subject }, 'federation: could not apply a relationship change; reloading every relationship');
      await this.resync().catch((e: unknown) => this.#deps.logger.error({ err: e }, 'federation: could not reload the federation relationships'));
    }
  }

  async #apply(event: ChangeEvent): Promise<void> {
    const td = event.subject;
    if (event.kind === EventKinds.federationRefreshRequested) {
      void this.#fetchers.get(td)?.refreshNow();
      return;
    }
    if (this.#isLocal(td)) return;
    const relationship = await getFederationRelationship(this.#deps.db, td);
    const existing = this.#fetchers.get(td);
    if (relationship === undefined) {
      if (existing !== undefined) {
        this.#fetchers.delete(td);
        await existing.stop();
      }
      if (event.kind === EventKinds.federationRelationshipDeleted) {
        // After the fetcher stopped: a status row its last cycle wrote is removed too.
        await deleteFederationStatus(this.#deps.db, td).catch((err: unknown) =>
          this.#deps.logger.warn({ err, trust_domain: td }, 'federation: could not delete the status of a deleted relationship'),
        );
        this.#deps.logger.info({ trust_domain: td }, 'federation: relationship deleted; no longer fetching its bundle');
      }
      return;
    }
    if (existing === undefined) {
      this.#add(relationship, undefined);
      this.#deps.logger.info({ trust_domain: td, url: relationship.bundleEndpointUrl, profile: relationship.bundleEndpointProfile }, 'federation: fetching the bundle of a new relationship');
    } else if (changed(existing.relationship, relationship)) {
      void existing.update(relationship);
    } else {
      existing.relationship = relationship; // e.g. trusted_by_all: nothing to fetch again
    }
  }

  /** Refreshes the bundle of `trustDomain` now; rejects when there is no such relationship. */
  async refresh(trustDomain: string): Promise<RefreshResult> {
    if (this.#isLocal(trustDomain)) throw new Error(`federation: "${trustDomain}" is this server's own trust domain; its bundle is not fetched`);
    let fetcher = this.#fetchers.get(trustDomain);
    if (fetcher === undefined) {
      const relationship = await getFederationRelationship(this.#deps.db, trustDomain);
      if (relationship === undefined) throw new Error(`federation: no federation relationship with "${trustDomain}"`);
      fetcher = this.#fetchers.get(trustDomain) ?? this.#add(relationship, undefined);
    }
    return fetcher.refreshNow();
  }

  /** Each relationship's health as this replica sees it, completed with `statuses` from the datastore. */
  health(statuses: readonly FederationStatus[] = []): RelationshipHealth[] {
    const byTd = new Map(statuses.map((s) => [s.trustDomain, s]));
    return [...this.#fetchers.values()]
      .sort((a, b) => (a.trustDomain < b.trustDomain ? -1 : a.trustDomain > b.trustDomain ? 1 : 0))
      .map((f) => f.health(byTd.get(f.trustDomain)));
  }

  /** What the metrics gauges read. */
  views(): RelationshipMetricsView[] {
    return [...this.#fetchers.values()].map((f) => f.view());
  }

  /** The fetcher of `trustDomain` (tests, diagnostics). */
  fetcher(trustDomain: string): RelationshipFetcher | undefined {
    return this.#fetchers.get(trustDomain);
  }

  /** Resolves once no fetcher has a refresh running or queued. */
  async idle(): Promise<void> {
    await Promise.all([...this.#fetchers.values()].map((f) => f.idle()));
  }

  /** Stops every fetcher and releases the leases held. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#fetchers.values()];
    this.#fetchers.clear();
    await Promise.all(all.map((f) => f.stop()));
  }

  #add(relationship: FederationRelationship, status: FederationStatus | undefined): RelationshipFetcher {
    const fetcher = new RelationshipFetcher(this.#deps, relationship, status);
    this.#fetchers.set(relationship.trustDomain, fetcher);
    if (!this.#closed) fetcher.start();
    return fetcher;
  }

  /** Logs and answers true for a relationship with the local trust domain (never fetched). */
  #isLocal(trustDomain: string): boolean {
    if (trustDomain !== this.#deps.localTrustDomain.name) return false;
    this.#deps.logger.error({ trust_domain: trustDomain }, "federation: ignoring a federation relationship with this server's own trust domain");
    return true;
  }
}

function changed(a: FederationRelationship, b: FederationRelationship): boolean {
  return a.bundleEndpointUrl !== b.bundleEndpointUrl || a.bundleEndpointProfile !== b.bundleEndpointProfile || a.endpointSpiffeId !== b.endpointSpiffeId;
}
