/**
 * The agent's identity cache: its authorized entries and bundles (from the control plane's push
 * stream), the X.509-SVIDs issued for those entries, and the live views of the workloads that
 * are connected. It is the {@link WorkloadViews} that the Workload API and SDS serve from.
 *
 * Which SVIDs are kept: every entry's while the node serves at most `maxSvids` entries; beyond
 * that, only the entries that a connected workload matches or that were asked for within
 * `idleMs` (the rest are dropped and issued again on demand), so memory stays bounded.
 *
 * An SVID is only published once the own bundle holds its root, so a workload never receives a
 * certificate its peers cannot verify yet (rotation order).
 * @module
 */
import { context, type Context } from '@opentelemetry/api';
import type { Clock } from '@signet/platform';
import { uniqueHints } from '../domain/hints.js';
import { compareEntries, sameX509Identity, type AgentEntry } from '../domain/entry.js';
import { entryMatches, selectorKey, selectorSetKey, type Selector } from '../domain/selectors.js';
import { AuthorizedState, type StateChange, type SyncUpdate } from '../domain/sync-update.js';
import type { TrustBundle, ViewWatch, WorkloadSvid, WorkloadView, WorkloadViews } from '../domain/view.js';
import { chainRootedIn, leafSignedByAny } from './chain-root.js';

/** An X.509-SVID held for an entry. */
export interface HeldSvid {
  readonly svid: WorkloadSvid;
  /** notBefore of the leaf, Unix ms. */
  readonly notBeforeMs: number;
  /** When to renew it, Unix ms (half-life, with jitter). */
  readonly renewAtMs: number;
  /** The entry it was issued for (to notice identity changes). */
  readonly entry: AgentEntry;
}

/** Options of {@link IdentityCache}. */
export interface IdentityCacheOptions {
  readonly trustDomain: string;
  readonly clock: Clock;
  /** Entries that are not workloads (node aliases, downstream) and get no SVID. */
  readonly isWorkloadEntry?: (entry: AgentEntry) => boolean;
  /** Up to this many entries, every entry's SVID is kept (default 1 000). */
  readonly maxSvids?: number;
  /** Beyond `maxSvids`, SVIDs unused for this long are dropped (default 10 min). */
  readonly idleMs?: number;
}

interface Group {
  readonly key: string;
  readonly selectors: ReadonlySet<string>;
  readonly listeners: Set<(view: WorkloadView) => void>;
  view: WorkloadView;
}

const EMPTY_FEDERATED: ReadonlyMap<string, TrustBundle> = new Map();

/** The agent's authorized entries, bundles, SVIDs and workload views. */
export class IdentityCache implements WorkloadViews {
  readonly trustDomain: string;
  readonly #clock: Clock;
  readonly #isWorkload: (entry: AgentEntry) => boolean;
  readonly #maxSvids: number;
  readonly #idleMs: number;
  readonly #state = new AuthorizedState();
  /** Workload entries by selector key, for matching. */
  readonly #index = new Map<string, Set<string>>();
  readonly #svids = new Map<string, HeldSvid>();
  /** SVIDs whose root is not in the own bundle yet, by entry id. */
  readonly #awaitingRoot = new Map<string, HeldSvid>();
  readonly #lastUsed = new Map<string, number>();
  readonly #groups = new Map<string, Group>();
  readonly #needListeners = new Set<() => void>();
  #flushScheduled = false;
  /** The trace the next flush continues, and those of entries whose SVIDs are being issued. */
  #flushTrace: Context | undefined;
  readonly #entryTrace = new Map<string, Context>();

  constructor(options: IdentityCacheOptions) {
    this.trustDomain = options.trustDomain;
    this.#clock = options.clock;
    this.#isWorkload = options.isWorkloadEntry ?? ((e) => !e.downstream);
    this.#maxSvids = options.maxSvids ?? 1_000;
    this.#idleMs = options.idleMs ?? 600_000;
  }

  /** The revision of the last applied push-stream message (0 before any). */
  get revision(): number {
    return this.#state.revision;
  }

  /** Whether a full snapshot has been applied. */
  get synced(): boolean {
    return this.#state.synced;
  }

  /** Number of authorized entries. */
  get entryCount(): number {
    return this.#state.entries.size;
  }

  /** Number of X.509-SVIDs held. */
  get svidCount(): number {
    return this.#svids.size;
  }

  /** The bundle of a trust domain, if held. */
  bundle(trustDomain: string): TrustBundle | undefined {
    return this.#state.bundles.get(trustDomain);
  }

  /** Every bundle held (own and federated). */
  bundles(): ReadonlyMap<string, TrustBundle> {
    return this.#state.bundles;
  }

  /** An authorized entry by id. */
  entry(id: string): AgentEntry | undefined {
    return this.#state.entries.get(id);
  }

  /** The SVID held for an entry, published or not. */
  held(entryId: string): HeldSvid | undefined {
    return this.#svids.get(entryId) ?? this.#awaitingRoot.get(entryId);
  }

  /**
   * Applies one push-stream message. With `traceContext`, the pushes it causes (now, or once the
   * SVIDs of its entries are issued) run in that context, continuing the change's trace.
   */
  applySync(update: SyncUpdate, traceContext?: Context): StateChange {
    const before = new Map<string, AgentEntry>();
    for (const e of update.upserts) {
      const old = this.#state.entries.get(e.id);
      if (old !== undefined) before.set(e.id, old);
    }
    for (const id of update.removals) {
      const old = this.#state.entries.get(id);
      if (old !== undefined) before.set(id, old);
    }
    if (update.snapshot) for (const [id, e] of this.#state.entries) before.set(id, e);
    const change = this.#state.apply(update);
    for (const id of change.removed) {
      const old = before.get(id);
      if (old !== undefined) this.#unindex(old);
      this.#dropSvid(id);
    }
    for (const id of change.upserted) {
      const old = before.get(id);
      if (old !== undefined) this.#unindex(old);
      const entry = this.#state.entries.get(id)!;
      if (this.#isWorkload(entry)) this.#indexEntry(entry);
      const held = this.held(id);
      if (held !== undefined && (!this.#isWorkload(entry) || !sameX509Identity(held.entry, entry))) this.#dropSvid(id);
    }
    if (change.bundles.has(this.trustDomain)) this.#bundleChanged();
    if (change.upserted.size + change.removed.size + change.bundles.size > 0) {
      if (traceContext !== undefined) {
        this.#flushTrace = traceContext;
        for (const id of change.upserted) this.#entryTrace.set(id, traceContext);
      }
      this.#scheduleFlush();
      if (change.upserted.size > 0) this.#notifyNeed();
    }
    return change;
  }

  /**
   * Stores a newly issued SVID for an entry. Ignored when the entry is gone or changed identity
   * meanwhile; held back (the previous one stays published) until the own bundle holds its root.
   */
  putSvid(entryId: string, held: HeldSvid): void {
    const entry = this.#state.entries.get(entryId);
    if (entry === undefined || !sameX509Identity(entry, held.entry)) return;
    const bundle = this.#state.bundles.get(this.trustDomain);
    if (bundle === undefined || !chainRootedIn(held.svid.certChain, bundle.x509Authorities)) {
      this.#awaitingRoot.set(entryId, held);
      return;
    }
    this.#awaitingRoot.delete(entryId);
    this.#svids.set(entryId, held);
    const traced = this.#entryTrace.get(entryId);
    if (traced !== undefined) {
      this.#entryTrace.delete(entryId);
      this.#flushTrace = traced;
    }
    this.#scheduleFlush();
  }

  /**
   * The workload entries that need an SVID now: wanted (see the module notes) and without a
   * published one, or due for renewal. Sorted by urgency.
   */
  due(nowMs = this.#clock.nowMs()): AgentEntry[] {
    const out: AgentEntry[] = [];
    for (const entry of this.#wanted(nowMs)) {
      if (this.#awaitingRoot.has(entry.id)) continue;
      const held = this.#svids.get(entry.id);
      if (held === undefined || held.renewAtMs <= nowMs) out.push(entry);
    }
    return out;
  }

  /** The earliest renewal time among held SVIDs, Unix ms (Infinity when none). */
  nextRenewalMs(): number {
    let next = Infinity;
    for (const held of this.#svids.values()) next = Math.min(next, held.renewAtMs);
    return next;
  }

  /** The shortest time to expiry among published SVIDs, seconds (undefined when none). */
  shortestTtlSeconds(nowMs = this.#clock.nowMs()): number | undefined {
    let min: number | undefined;
    for (const held of this.#svids.values()) {
      const ttl = held.svid.expiresAt - nowMs / 1000;
      min = min === undefined ? ttl : Math.min(min, ttl);
    }
    return min;
  }

  /** Runs `listener` whenever entries may need SVIDs (new entries, new workloads, drops). */
  onNeed(listener: () => void): () => void {
    this.#needListeners.add(listener);
    return () => this.#needListeners.delete(listener);
  }

  /**
   * Drops the SVIDs of unused entries beyond `maxSvids` (least recently used first). Returns how
   * many were dropped.
   */
  evictIdle(nowMs = this.#clock.nowMs()): number {
    if (this.#svids.size <= this.#maxSvids) return 0;
    const active = this.#activeEntryIds();
    const candidates = [...this.#svids.keys()]
      .filter((id) => !active.has(id) && nowMs - (this.#lastUsed.get(id) ?? 0) >= this.#idleMs)
      .sort((a, b) => (this.#lastUsed.get(a) ?? 0) - (this.#lastUsed.get(b) ?? 0));
    let dropped = 0;
    for (const id of candidates) {
      if (this.#svids.size <= this.#maxSvids) break;
      this.#svids.delete(id);
      this.#lastUsed.delete(id);
      dropped++;
    }
    return dropped;
  }

  /** The entries a workload with these selectors matches, in SVID order. */
  matchingEntries(selectors: readonly Selector[]): AgentEntry[] {
    return this.#matching(new Set(selectors.map(selectorKey)));
  }

  /** The current view of a workload with these selectors (marks its entries as used). */
  viewOf(selectors: readonly Selector[]): WorkloadView {
    const set = new Set(selectors.map(selectorKey));
    const group = this.#groups.get(selectorSetKey(selectors));
    const view = group?.view ?? this.#computeView(set);
    this.#markUsed(set);
    return view;
  }

  watch(selectors: readonly Selector[], listener: (view: WorkloadView) => void): ViewWatch {
    const key = selectorSetKey(selectors);
    let group = this.#groups.get(key);
    if (group === undefined) {
      const set = new Set(selectors.map(selectorKey));
      group = { key, selectors: set, listeners: new Set(), view: this.#computeView(set) };
      this.#groups.set(key, group);
      this.#markUsed(set);
      this.#notifyNeed();
    }
    const g = group;
    g.listeners.add(listener);
    let closed = false;
    return {
      current: () => g.view,
      close: () => {
        if (closed) return;
        closed = true;
        g.listeners.delete(listener);
        if (g.listeners.size === 0 && this.#groups.get(g.key) === g) this.#groups.delete(g.key);
      },
    };
  }

  /** Number of distinct workloads (selector sets) being watched. */
  get watchedWorkloads(): number {
    return this.#groups.size;
  }

  #wanted(nowMs: number): AgentEntry[] {
    const workloads = [...this.#state.entries.values()].filter((e) => this.#isWorkload(e));
    if (workloads.length <= this.#maxSvids) return workloads;
    const active = this.#activeEntryIds();
    return workloads.filter((e) => active.has(e.id) || nowMs - (this.#lastUsed.get(e.id) ?? -Infinity) < this.#idleMs);
  }

  #activeEntryIds(): Set<string> {
    const ids = new Set<string>();
    for (const g of this.#groups.values()) for (const e of this.#matching(g.selectors)) ids.add(e.id);
    return ids;
  }

  #markUsed(set: ReadonlySet<string>): void {
    const now = this.#clock.nowMs();
    let wantsMore = false;
    for (const e of this.#matching(set)) {
      this.#lastUsed.set(e.id, now);
      if (!this.#svids.has(e.id)) wantsMore = true;
    }
    if (wantsMore) this.#notifyNeed();
  }

  #matching(set: ReadonlySet<string>): AgentEntry[] {
    const seen = new Set<string>();
    const out: AgentEntry[] = [];
    for (const key of set) {
      const ids = this.#index.get(key);
      if (ids === undefined) continue;
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        const entry = this.#state.entries.get(id);
        if (entry !== undefined && entryMatches(entry.selectors, set)) out.push(entry);
      }
    }
    return out.sort(compareEntries);
  }

  #computeView(set: ReadonlySet<string>): WorkloadView {
    const entries = this.#matching(set);
    const svids: WorkloadSvid[] = [];
    const federates = new Set<string>();
    const hintOf = uniqueHints();
    for (const entry of entries) {
      for (const td of entry.federatesWith) federates.add(td);
      const held = this.#svids.get(entry.id);
      if (held === undefined) continue;
      const hint = hintOf(held.svid.hint);
      svids.push(hint === held.svid.hint ? held.svid : { ...held.svid, hint });
    }
    // Trust domains trusted by every workload, whatever the entries say (only for workloads with an identity).
    if (entries.length > 0) for (const [td, b] of this.#state.bundles) if (b.trustedByAll) federates.add(td);
    let federatedBundles = EMPTY_FEDERATED;
    if (federates.size > 0) {
      const map = new Map<string, TrustBundle>();
      for (const td of [...federates].sort()) {
        const b = this.#state.bundles.get(td);
        if (b !== undefined && td !== this.trustDomain) map.set(td, b);
      }
      federatedBundles = map;
    }
    return { svids, bundle: this.#state.bundles.get(this.trustDomain), federatedBundles };
  }

  #bundleChanged(): void {
    const bundle = this.#state.bundles.get(this.trustDomain);
    if (bundle === undefined) return;
    for (const [id, held] of this.#awaitingRoot) {
      if (!chainRootedIn(held.svid.certChain, bundle.x509Authorities)) continue;
      this.#awaitingRoot.delete(id);
      this.#svids.set(id, held);
    }
    // An SVID whose root left the bundle (revoked), or that a tainted authority signed, is
    // renewed now (the new one comes from the active authority).
    const tainted = bundle.taintedX509Authorities ?? [];
    let renew = false;
    for (const [id, held] of this.#svids) {
      if (held.renewAtMs === 0) continue;
      if (chainRootedIn(held.svid.certChain, bundle.x509Authorities) && !leafSignedByAny(held.svid.certChain, tainted)) continue;
      this.#svids.set(id, { ...held, renewAtMs: 0 });
      renew = true;
    }
    if (renew) this.#notifyNeed();
  }

  #dropSvid(entryId: string): void {
    this.#entryTrace.delete(entryId);
    this.#svids.delete(entryId);
    this.#awaitingRoot.delete(entryId);
    this.#lastUsed.delete(entryId);
  }

  #indexEntry(entry: AgentEntry): void {
    for (const s of entry.selectors) {
      const key = selectorKey(s);
      let ids = this.#index.get(key);
      if (ids === undefined) this.#index.set(key, (ids = new Set()));
      ids.add(entry.id);
    }
  }

  #unindex(entry: AgentEntry): void {
    for (const s of entry.selectors) {
      const key = selectorKey(s);
      const ids = this.#index.get(key);
      if (ids === undefined) continue;
      ids.delete(entry.id);
      if (ids.size === 0) this.#index.delete(key);
    }
  }

  #notifyNeed(): void {
    for (const l of this.#needListeners) l();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    const traced = this.#flushTrace;
    this.#flushTrace = undefined;
    const run = (): void => {
      for (const group of this.#groups.values()) {
        const next = this.#computeView(group.selectors);
        if (sameView(group.view, next)) continue;
        group.view = next;
        for (const listener of [...group.listeners]) listener(next);
      }
    };
    if (traced === undefined) run();
    else context.with(traced, run);
  }
}

/** Whether two views hold the same objects (the cache replaces objects only when they change). */
function sameView(a: WorkloadView, b: WorkloadView): boolean {
  if (a.bundle !== b.bundle || a.svids.length !== b.svids.length || a.federatedBundles.size !== b.federatedBundles.size) return false;
  for (let i = 0; i < a.svids.length; i++) {
    const x = a.svids[i]!;
    const y = b.svids[i]!;
    if (x !== y && !(x.entryId === y.entryId && x.certChain === y.certChain && x.hint === y.hint)) return false;
  }
  for (const [td, bundle] of a.federatedBundles) if (b.federatedBundles.get(td) !== bundle) return false;
  return true;
}
