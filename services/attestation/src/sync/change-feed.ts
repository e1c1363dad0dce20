/**
 * The one subscription to the change log per process: it keeps the entry index, the bundle
 * store and the per-agent views current, and so feeds every sync stream.
 *
 * Start: note the latest revision, load every entry and bundle, then follow the log from that
 * revision (changes made during the load are applied again, harmlessly: every update re-reads
 * the current row). Events are applied in batches: the entries, nodes and bundles they name
 * are re-read, then applied to the cache in one step on the shared executor. A batch whose
 * reads fail is retried with backoff. When retention pruned events the feed had not read, it
 * re-reads everything and applies the difference.
 * @module
 */
import { performance } from 'node:perf_hooks';
import {
  type ChangeEvent,
  type Db,
  EventsPrunedError,
  type EventSubscription,
  getEntries,
  latestRevision,
  listEntries,
  type RegistrationEntry,
  subscribeEvents,
} from '@signet/datastore';
import type { Logger } from '@signet/platform';
import type { AgentRegistry } from '../agents/agent-registry.js';
import { isNodeEvent } from '../agents/deps.js';
import { loadNodeRecords, type NodeRecord, nodeStatusOf } from '../agents/node-status.js';
import type { AuthorizedCache, EntryUpdate, NodeStatus } from '../authorized/authorized-cache.js';
import { TraceIndex } from './trace-index.js';
import type { EntryIndex } from '../authorized/entry-index.js';
import type { SerialExecutor } from '../internal/serial-executor.js';
import type { BundleStore } from './bundle-store.js';

/** Options of {@link ChangeFeed}. */
export interface ChangeFeedOptions {
  readonly db: Db;
  readonly index: EntryIndex;
  readonly cache: AuthorizedCache;
  readonly bundles: BundleStore;
  readonly executor: SerialExecutor;
  /** Kept current with every node event. */
  readonly registry: AgentRegistry;
  readonly logger: Logger;
  /** Most events applied in one batch (default 5 000). */
  readonly batchLimit?: number;
  /** Safety-net poll of the log in ms (default 30 000; see `subscribeEvents`). */
  readonly pollIntervalMs?: number;
}

type Queued = { readonly event: ChangeEvent; readonly at: number } | { readonly resyncThrough: number; readonly at: number };

const PAGE = 1_000;
const MAX_RETRY_MS = 10_000;

/** Follows the change log into the cache. */
export class ChangeFeed {
  readonly #o: ChangeFeedOptions;
  readonly #queue: Queued[] = [];
  readonly #traces = new TraceIndex();
  readonly #waiters: { revision: number; resolve: () => void }[] = [];
  #draining: Promise<void> | undefined;
  #subscription: EventSubscription | undefined;
  #closed = false;
  #failures = 0;

  constructor(options: ChangeFeedOptions) {
    this.#o = options;
  }

  /** The revision the cache is current with. */
  get revision(): number {
    return this.#o.cache.revision;
  }

  /** Loads everything and starts following the log. */
  async start(): Promise<void> {
    const { db, executor, cache } = this.#o;
    await executor.run(async () => {
      const from = await latestRevision(db);
      const entries = await loadAllEntries(db);
      await this.#o.bundles.loadAll();
      cache.setTrustedByAll(await this.#o.bundles.loadTrustedByAll(), cache.revision, performance.now());
      await this.#o.registry.load(db);
      this.#o.index.clear();
      for (const entry of entries) this.#o.index.upsert(entry);
      cache.setRevision(from);
    });
    this.#subscription = await subscribeEvents(db, {
      fromRevision: cache.revision,
      onEvent: (event) => {
        this.#traces.record(event.revision, event.payload);
        return this.#enqueue({ event, at: performance.now() });
      },
      onError: (err) => {
        if (err instanceof EventsPrunedError) this.#enqueue({ resyncThrough: err.prunedThrough, at: performance.now() });
        else this.#o.logger.warn({ err }, 'change log subscription error');
      },
      ...(this.#o.pollIntervalMs === undefined ? {} : { pollIntervalMs: this.#o.pollIntervalMs }),
    });
  }

  /** Stops following the log. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#subscription?.close();
    await this.#draining;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  /**
   * Re-reads every entry, bundle and cached agent and applies the differences (what the feed
   * does by itself when retention pruned events it had not read). Resolves once applied.
   */
  async resync(): Promise<void> {
    const through = this.revision;
    this.#enqueue({ resyncThrough: through, at: performance.now() });
    await this.#draining;
  }

  /** The trace context of the first traced change in (`after`, `through`], if any is remembered. */
  traceOf(after: number, through: number): string | undefined {
    return this.#traces.first(after, through);
  }

  /** Resolves once the cache is current with `revision` (or the feed closed). */
  whenApplied(revision: number): Promise<void> {
    if (this.#closed || this.revision >= revision) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ revision, resolve }));
  }

  #enqueue(item: Queued): Promise<void> | void {
    this.#queue.push(item);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
    // Back-pressure on the subscription when far behind.
    if (this.#queue.length > 4 * (this.#o.batchLimit ?? 5_000)) return this.#draining;
    return undefined;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#closed) {
      const batch = this.#queue.splice(0, this.#o.batchLimit ?? 5_000);
      try {
        await this.#o.executor.run(() => this.#apply(batch));
        this.#failures = 0;
        this.#wake();
      } catch (err) {
        this.#queue.unshift(...batch);
        this.#failures += 1;
        const delay = Math.min(MAX_RETRY_MS, 100 * 2 ** (this.#failures - 1));
        this.#o.logger.warn({ err, retry_in_ms: delay }, 'applying change events failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }

  async #apply(batch: readonly Queued[]): Promise<void> {
    const { cache, bundles } = this.#o;
    const receivedAt = Math.min(...batch.map((item) => item.at));
    let revision = cache.revision;
    let resync = false;
    const entryIds = new Set<string>();
    const nodeIds = new Set<string>();
    const trustDomains = new Set<string>();
    let relationships = false;
    for (const item of batch) {
      if ('resyncThrough' in item) {
        resync = true;
        revision = Math.max(revision, item.resyncThrough);
        continue;
      }
      const { event } = item;
      revision = Math.max(revision, event.revision);
      if (event.kind.startsWith('entry.')) entryIds.add(event.subject);
      else if (isNodeEvent(event.kind)) nodeIds.add(event.subject);
      else if (event.kind.startsWith('bundle.')) trustDomains.add(event.subject);
      // A tainted or revoked authority changes what agents must re-issue: resend the local bundle.
      else if (event.kind === 'authority.tainted' || event.kind === 'authority.revoked') trustDomains.add(bundles.localTrustDomain);
      else if (event.kind.startsWith('federation_relationship.') && event.kind !== 'federation_relationship.refresh_requested') relationships = true;
    }
    let updates: EntryUpdate[];
    if (resync) {
      const all = await loadAllEntries(this.#o.db);
      const byId = new Map(all.map((e) => [e.id, e]));
      const ids = new Set([...byId.keys(), ...[...this.#o.index.values()].map((e) => e.id)]);
      updates = [...ids].map((id) => ({ id, after: byId.get(id) }));
      for (const agentId of cache.agents()) nodeIds.add(agentId);
      await bundles.loadAll();
      await this.#o.registry.load(this.#o.db);
    } else {
      const fetched = await fetchEntries(this.#o.db, [...entryIds]);
      updates = [...entryIds].map((id) => ({ id, after: fetched.get(id) }));
    }
    const records: Map<string, NodeRecord> = nodeIds.size === 0 ? new Map() : await loadNodeRecords(this.#o.db, [...nodeIds]);
    const statuses = new Map<string, NodeStatus>();
    for (const [id, record] of records) {
      this.#o.registry.update(id, record.node);
      if (cache.peek(id) !== undefined) statuses.set(id, nodeStatusOf(id, record));
    }
    if (relationships || resync) {
      // Bundles trusted by all workloads go to every agent (and leave when the flag is cleared).
      cache.setTrustedByAll(await bundles.loadTrustedByAll(), revision, receivedAt);
    }
    const updated: string[] = [];
    const removed: string[] = [];
    for (const td of trustDomains) ((await bundles.refresh(td)) === 'updated' ? updated : removed).push(td);
    cache.applyEntries(updates, revision, receivedAt);
    cache.applyNodes(statuses, revision, receivedAt);
    if (resync) {
      const all = new Set<string>([bundles.localTrustDomain]);
      for (const agentId of cache.agents()) for (const td of cache.peek(agentId)?.federatesWith ?? []) all.add(td);
      cache.applyBundles([...all].filter((td) => bundles.get(td) !== undefined), [], bundles.localTrustDomain, revision, receivedAt);
    } else if (updated.length + removed.length > 0) {
      cache.applyBundles(updated, removed, bundles.localTrustDomain, revision, receivedAt);
    }
    cache.setRevision(revision);
  }

  #wake(): void {
    const revision = this.revision;
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i] as { revision: number; resolve: () => void };
      if (waiter.revision <= revision) {
        this.#waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

/** Every entry, read page by page. */
export async function loadAllEntries(db: Db): Promise<RegistrationEntry[]> {
  const all: RegistrationEntry[] = [];
  let pageToken: string | undefined;
  do {
    const page = await listEntries(db, {}, { pageSize: PAGE, pageToken });
    all.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
  return all;
}

async function fetchEntries(db: Db, ids: readonly string[]): Promise<Map<string, RegistrationEntry>> {
  const out = new Map<string, RegistrationEntry>();
  for (let i = 0; i < ids.length; i += PAGE) {
    for (const entry of await getEntries(db, ids.slice(i, i + PAGE))) out.set(entry.id, entry);
  }
  return out;
}
