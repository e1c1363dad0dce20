/**
 * An in-memory {@link WorkloadViews} for tests: a map from selector-set key to a view. `set`
 * notifies the watchers of that key in a microtask (several sets in one tick coalesce into one
 * call per watcher, as the real cache does); open watches are counted.
 * @module
 */
import { selectorSetKey, type Selector } from '../../domain/selectors.js';
import type { ViewWatch, WorkloadView, WorkloadViews } from '../../domain/view.js';

/** A view with no SVID, no bundle and no federated bundle. */
export const EMPTY_VIEW: WorkloadView = Object.freeze({ svids: [], bundle: undefined, federatedBundles: new Map() });

interface Watcher {
  readonly key: string;
  readonly listener: (view: WorkloadView) => void;
  open: boolean;
}

/** Views by selector set, for tests. */
export class InMemoryWorkloadViews implements WorkloadViews {
  readonly trustDomain: string;
  readonly #views = new Map<string, WorkloadView>();
  readonly #watchers = new Map<string, Set<Watcher>>();
  readonly #dirty = new Set<string>();
  #fallback: WorkloadView;
  #opened = 0;
  #notifications = 0;

  /** `fallback` is the view of selector sets never `set` (default {@link EMPTY_VIEW}). */
  constructor(trustDomain: string, fallback: WorkloadView = EMPTY_VIEW) {
    this.trustDomain = trustDomain;
    this.#fallback = fallback;
  }

  /** The view of `selectors` now. */
  view(selectors: readonly Selector[]): WorkloadView {
    return this.#views.get(selectorSetKey(selectors)) ?? this.#fallback;
  }

  /** Sets the view of `selectors`; its watchers hear of it in a microtask. */
  set(selectors: readonly Selector[], view: WorkloadView): void {
    const key = selectorSetKey(selectors);
    this.#views.set(key, view);
    this.#touch(key);
  }

  /** Applies `update` to the view of `selectors` (see {@link set}). */
  update(selectors: readonly Selector[], update: (view: WorkloadView) => WorkloadView): void {
    this.set(selectors, update(this.view(selectors)));
  }

  /** Changes the view of selector sets never `set`; their watchers hear of it in a microtask. */
  setFallback(view: WorkloadView): void {
    this.#fallback = view;
    for (const key of this.#watchers.keys()) if (!this.#views.has(key)) this.#touch(key);
  }

  /** Watches now open. */
  get openWatches(): number {
    let n = 0;
    for (const set of this.#watchers.values()) n += set.size;
    return n;
  }

  /** Watches ever opened. */
  get watchesOpened(): number {
    return this.#opened;
  }

  /** Listener calls made so far. */
  get notifications(): number {
    return this.#notifications;
  }

  watch(selectors: readonly Selector[], listener: (view: WorkloadView) => void): ViewWatch {
    const key = selectorSetKey(selectors);
    const watcher: Watcher = { key, listener, open: true };
    let set = this.#watchers.get(key);
    if (set === undefined) {
      set = new Set();
      this.#watchers.set(key, set);
    }
    set.add(watcher);
    this.#opened++;
    return {
      current: () => this.#views.get(key) ?? this.#fallback,
      close: () => {
        if (!watcher.open) return;
        watcher.open = false;
        const watchers = this.#watchers.get(key);
        watchers?.delete(watcher);
        if (watchers?.size === 0) this.#watchers.delete(key);
      },
    };
  }

  #touch(key: string): void {
    if (this.#dirty.size === 0) queueMicrotask(() => this.#flush());
    this.#dirty.add(key);
  }

  #flush(): void {
    const keys = [...this.#dirty];
    this.#dirty.clear();
    for (const key of keys) {
      const view = this.#views.get(key) ?? this.#fallback;
      for (const watcher of [...(this.#watchers.get(key) ?? [])]) {
        if (!watcher.open) continue;
        this.#notifications++;
        watcher.listener(view);
      }
    }
  }
}
