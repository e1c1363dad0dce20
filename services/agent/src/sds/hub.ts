/**
 * The registry of view groups: streams of the same workload (same selector set) join one
 * {@link ViewGroup}, so one view watch and one encoding of each secret serve all of them.
 * @module
 */
import type { Tracer } from '@opentelemetry/api';
import type { Clock, Logger } from '@signet/platform';
import { selectorSetKey, type Selector } from '../domain/selectors.js';
import type { WorkloadView, WorkloadViews } from '../domain/view.js';
import { BundleSecretCache } from './bundle-cache.js';
import { SecretCatalog, type SecretCatalogOptions } from './catalog.js';
import type { ResolvedSdsConfig } from './config.js';
import { IdleWork } from './idle-work.js';
import type { RotationGate } from './rotation-gate.js';
import { ViewGroup, type GroupMember, type ViewGroupDeps } from './view-group.js';

/** How long work that may wait runs per turn of the event loop. */
const IDLE_SLICE_MS = 2;

/** Dependencies of an {@link SdsHub}. */
export interface SdsHubDeps {
  readonly views: WorkloadViews;
  readonly config: ResolvedSdsConfig;
  readonly gate: RotationGate;
  readonly clock: Clock;
  readonly tracer: Tracer;
  readonly logger: Logger;
}

/** The view groups of an SDS server. */
export class SdsHub {
  readonly #deps: SdsHubDeps;
  readonly #groups = new Map<string, ViewGroup>();
  readonly #bundleCache = new BundleSecretCache();
  readonly #idle: IdleWork;
  /** What every group shares (one object and its functions, not a set per workload). */
  readonly #groupDeps: ViewGroupDeps;
  /** What every catalog shares (one object: a rotation makes a catalog per workload). */
  readonly #catalogOptions: SecretCatalogOptions;

  constructor(deps: SdsHubDeps) {
    this.#deps = deps;
    const { config, views, logger } = deps;
    this.#idle = new IdleWork(IDLE_SLICE_MS, (err) => logger.error({ err }, 'SDS: encoding secrets ahead of a held push failed'));
    this.#groupDeps = Object.freeze({
      gate: deps.gate,
      clock: deps.clock,
      tracer: deps.tracer,
      logger,
      catalogOf: (view: WorkloadView, previous?: SecretCatalog) => this.catalogOf(view, previous),
      idle: (task: () => void) => this.#idle.add(task),
      onEmpty: (g: ViewGroup) => {
        if (this.#groups.get(g.key) === g) this.#groups.delete(g.key);
      },
    });
    this.#catalogOptions = Object.freeze({
      trustDomain: views.trustDomain,
      names: config,
      bundleCache: this.#bundleCache,
      onEncodeError: (name: string, err: unknown) =>
        logger.error({ secrets: [name], err: err instanceof Error ? { type: err.name, message: err.message } : String(err) }, 'SDS secret cannot be encoded; it is held'),
    });
  }

  /** Adds `member` to the group of `selectors` (opening it, and its watch, if needed). */
  join(selectors: readonly Selector[], member: GroupMember): ViewGroup {
    const key = selectorSetKey(selectors);
    let group = this.#groups.get(key);
    if (group === undefined || group.closed) {
      group = new ViewGroup(key, this.#groupDeps, (listener) => this.#deps.views.watch(selectors, listener));
      this.#groups.set(key, group);
    }
    group.add(member);
    return group;
  }

  /**
   * The catalog of the current view of `selectors`: the open group's if any, else from a watch
   * opened and closed at once (no state is kept).
   */
  currentCatalog(selectors: readonly Selector[]): SecretCatalog {
    const group = this.#groups.get(selectorSetKey(selectors));
    if (group !== undefined && !group.closed) return group.latestCatalog;
    const watch = this.#deps.views.watch(selectors, () => {});
    try {
      return this.catalogOf(watch.current());
    } finally {
      watch.close();
    }
  }

  /** A catalog of `view` with the configured names, sharing encoded bundles (and `previous`'s, see {@link SecretCatalog}). */
  catalogOf(view: WorkloadView, previous?: SecretCatalog): SecretCatalog {
    return new SecretCatalog(view, this.#catalogOptions, previous);
  }

  /** How many groups (hence watches) are open. */
  get groups(): number {
    return this.#groups.size;
  }

  /** Bundle-encoding cache statistics. */
  bundleCacheStats(): { entries: number; hits: number; misses: number } {
    return this.#bundleCache.stats();
  }

  /** Closes every group and its watch. */
  close(): void {
    this.#idle.close();
    for (const group of [...this.#groups.values()]) group.close();
    this.#groups.clear();
  }
}
