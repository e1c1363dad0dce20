/**
 * One agent's cached authorized view: its node selectors, the entries it may serve, the
 * federated trust domains those entries need, whether it is still an active agent, and a
 * bounded journal of the changes to the view (so a reconnecting stream can resume), plus the
 * streams listening to it.
 * @module
 */
import type { RegistrationEntry, Selector } from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { selectorKeySet } from '../internal/selectors.js';
import type { AuthorizedSet } from './compute.js';
import { ChangeAccumulator, entryChanged, isEmptyChange, type ViewChange } from './view-change.js';

/** A stream following a view. */
export interface ViewListener {
  /** Called synchronously with each change, in revision order. */
  onChange(change: ViewChange): void;
  /** The view ended for this listener (agent banned or evicted, or the server closing). */
  onEnd(error: Error): void;
}

const NONE: ReadonlySet<string> = new Set();

/** An agent's authorized view. */
export class AgentView {
  readonly agentId: string;
  #selectors: readonly Selector[] = [];
  #selectorKeys: ReadonlySet<string> = new Set();
  #entries = new Map<string, RegistrationEntry>();
  #parents: ReadonlySet<string> = new Set();
  #federatesWith = new Set<string>();
  #inactiveReason: string | undefined;
  #journal: ViewChange[] = [];
  #floor: number;
  readonly #journalLimit: number;
  readonly #listeners = new Set<ViewListener>();

  /** A view current as of `revision`, keeping at most `journalLimit` changes. */
  constructor(agentId: string, revision: number, journalLimit: number) {
    this.agentId = agentId;
    this.#floor = revision;
    this.#journalLimit = journalLimit;
  }

  get selectors(): readonly Selector[] {
    return this.#selectors;
  }
  get selectorKeys(): ReadonlySet<string> {
    return this.#selectorKeys;
  }
  get entries(): ReadonlyMap<string, RegistrationEntry> {
    return this.#entries;
  }
  get parents(): ReadonlySet<string> {
    return this.#parents;
  }
  /** Trust domains the served entries federate with, and those trusted by all workloads. */
  get federatesWith(): ReadonlySet<string> {
    return this.#federatesWith;
  }
  /** False once the agent is known to be banned, evicted or gone. */
  get active(): boolean {
    return this.#inactiveReason === undefined;
  }
  /** Why the agent is not active (e.g. `agent "…" is banned`). */
  get inactiveReason(): string | undefined {
    return this.#inactiveReason;
  }
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Sets the node selectors (the caller recomputes the entries). */
  setSelectors(selectors: readonly Selector[]): void {
    this.#selectors = selectors;
    this.#selectorKeys = selectorKeySet(selectors);
  }

  /** Marks the agent inactive and ends every listener with `permission_denied` stating `reason`. */
  deactivate(reason: string): void {
    this.#inactiveReason = reason;
    this.end(new ApiError('permission_denied', reason));
  }

  /**
   * Installs a freshly computed set; returns (journals and publishes) the change, if any. The
   * first set installed is the view's starting point: it is neither journaled nor published.
   */
  replace(set: AuthorizedSet, revision: number, receivedAt: number, initial = false, trustedByAll: ReadonlySet<string> = NONE): ViewChange | undefined {
    const next = new Map<string, RegistrationEntry>();
    const upserts: RegistrationEntry[] = [];
    for (const entry of set.entries) {
      next.set(entry.id, entry);
      const before = this.#entries.get(entry.id);
      if (before === undefined || entryChanged(before, entry)) upserts.push(entry);
    }
    const removals: string[] = [];
    for (const id of this.#entries.keys()) if (!next.has(id)) removals.push(id);
    // Trust domains trusted by every workload reach every agent, with or without entries.
    const federatesWith = new Set<string>(trustedByAll);
    for (const entry of set.entries) for (const td of entry.federatesWith) federatesWith.add(td);
    const bundlesUpdated = [...federatesWith].filter((td) => !this.#federatesWith.has(td));
    const bundlesRemoved = [...this.#federatesWith].filter((td) => !federatesWith.has(td));
    this.#entries = next;
    this.#parents = set.parents;
    this.#federatesWith = federatesWith;
    if (initial) return undefined;
    return this.publish({ revision, upserts, removals, bundlesUpdated, bundlesRemoved, receivedAt });
  }

  /** Journals and publishes `change` unless it is empty. */
  publish(change: ViewChange): ViewChange | undefined {
    if (isEmptyChange(change)) return undefined;
    this.#journal.push(change);
    if (this.#journal.length > this.#journalLimit) {
      const dropped = this.#journal.splice(0, this.#journal.length - this.#journalLimit);
      this.#floor = Math.max(this.#floor, dropped[dropped.length - 1]?.revision ?? this.#floor);
    }
    for (const listener of [...this.#listeners]) listener.onChange(change);
    return change;
  }

  /** Whether the journal holds every change after `revision` (and the view is not behind it). */
  canResumeFrom(revision: number, current: number): boolean {
    return revision >= this.#floor && revision <= current;
  }

  /** The net change since `revision` (see {@link AgentView.canResumeFrom}), stamped `current`. */
  changesSince(revision: number, current: number): ViewChange {
    const acc = new ChangeAccumulator();
    for (const change of this.#journal) if (change.revision > revision) acc.add(change);
    return { ...acc.take(), revision: current };
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: ViewListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Ends every listener with `error`. */
  end(error: Error): void {
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) listener.onEnd(error);
  }
}
