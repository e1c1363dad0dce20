/**
 * The incremental authorized-entries cache: one {@link AgentView} per agent that asked (a
 * sync stream, or the CA checking an entry), kept current as entries, node selectors and
 * bundles change. A change only recomputes the views it can affect:
 *
 * - an entry change affects the agents that expand its old or new parent ID (a reverse index
 *   from parent ID to agents is kept for that), and, for a node alias, the agents whose
 *   selectors contain the alias's old or new selectors;
 * - a node change affects that agent only;
 * - a bundle change affects the agents that need that trust domain.
 *
 * Views nobody listens to are dropped, least recently used first, beyond `maxAgents`.
 * Every mutation runs on the shared {@link SerialExecutor}, so reading an agent's node state
 * and installing its view is never interleaved with a change.
 * @module
 */
import { performance } from 'node:perf_hooks';
import type { RegistrationEntry, Selector } from '@signet/datastore';
import { isSubsetOf, selectorKey } from '../internal/selectors.js';
import type { SerialExecutor } from '../internal/serial-executor.js';
import { AgentView } from './agent-view.js';
import { computeAuthorized } from './compute.js';
import type { EntryIndex } from './entry-index.js';

/** An agent's node state, as the cache needs it. */
export interface NodeStatus {
  /** Attested and not banned. */
  readonly active: boolean;
  readonly selectors: readonly Selector[];
  /** Why the agent is not active, e.g. `agent "…" is banned`. */
  readonly reason?: string;
}

/** Loads the node state of agents (every requested id is a key). */
export type LoadNodeStatus = (agentIds: readonly string[]) => Promise<Map<string, NodeStatus>>;

/** Options of {@link AuthorizedCache}. */
export interface AuthorizedCacheOptions {
  readonly index: EntryIndex;
  readonly loadNodes: LoadNodeStatus;
  readonly executor: SerialExecutor;
  /** Views kept beyond those with listeners (default 10 000). */
  readonly maxAgents?: number;
  /** Changes journaled per view for resumption (default 1 000). */
  readonly journalLimit?: number;
}

/** One entry as it now is (`after` undefined: deleted). */
export interface EntryUpdate {
  readonly id: string;
  readonly after: RegistrationEntry | undefined;
}

/** The per-agent authorized-entries cache. */
export class AuthorizedCache {
  readonly #index: EntryIndex;
  readonly #options: AuthorizedCacheOptions;
  readonly #views = new Map<string, AgentView>();
  #trustedByAll: ReadonlySet<string> = new Set();
  readonly #agentsByParent = new Map<string, Set<string>>();
  #revision = 0;
  #ended: Error | undefined;

  constructor(options: AuthorizedCacheOptions) {
    this.#index = options.index;
    this.#options = options;
  }

  /** The change-log revision every view is current with. */
  get revision(): number {
    return this.#revision;
  }

  /** Sets the revision (after a batch of changes, or the initial load). */
  setRevision(revision: number): void {
    this.#revision = Math.max(this.#revision, revision);
  }

  /** Cached views and the entries they hold. */
  size(): { agents: number; entries: number } {
    let entries = 0;
    for (const view of this.#views.values()) entries += view.entries.size;
    return { agents: this.#views.size, entries };
  }

  /** The cached view of `agentId`, if any (without loading). */
  peek(agentId: string): AgentView | undefined {
    return this.#views.get(agentId);
  }

  /** The agents with a cached view. */
  agents(): string[] {
    return [...this.#views.keys()];
  }

  /**
   * The view of `agentId`, computed on first use. An agent that is not active gets a
   * transient, inactive, empty view (never cached).
   */
  acquire(agentId: string): Promise<AgentView> {
    if (this.#ended !== undefined) return Promise.reject(this.#ended);
    const cached = this.#views.get(agentId);
    if (cached !== undefined) {
      this.#views.delete(agentId);
      this.#views.set(agentId, cached);
      return Promise.resolve(cached);
    }
    return this.#options.executor.run(async () => {
      if (this.#ended !== undefined) throw this.#ended;
      const again = this.#views.get(agentId);
      if (again !== undefined) return again;
      const status = (await this.#options.loadNodes([agentId])).get(agentId) ?? { active: false, selectors: [] };
      const view = new AgentView(agentId, this.#revision, this.#options.journalLimit ?? 1_000);
      view.setSelectors(status.selectors);
      if (!status.active) {
        view.deactivate(status.reason ?? `agent ${JSON.stringify(agentId)} is not attested`);
        return view;
      }
      this.#recompute(view, performance.now(), true);
      this.#views.set(agentId, view);
      this.#evictIdle();
      return view;
    });
  }

  /** Applies entry updates to the index and recomputes the views they affect. Call on the executor. */
  applyEntries(updates: readonly EntryUpdate[], revision: number, receivedAt: number): void {
    const affected = new Set<string>();
    for (const { id, after } of updates) {
      const before = this.#index.get(id);
      if (before === after || (before === undefined && after === undefined)) continue;
      for (const entry of [before, after]) {
        if (entry === undefined) continue;
        if (this.#index.isAlias(entry)) {
          for (const view of this.#views.values()) if (isSubsetOf(entry.selectors, view.selectorKeys)) affected.add(view.agentId);
        } else {
          for (const agent of this.#agentsByParent.get(entry.parentId) ?? []) affected.add(agent);
        }
      }
      if (after === undefined) this.#index.remove(id);
      else this.#index.upsert(after);
    }
    this.setRevision(revision);
    for (const agentId of affected) {
      const view = this.#views.get(agentId);
      if (view !== undefined) this.#recompute(view, receivedAt);
    }
  }

  /** Applies new node states of cached agents. Call on the executor. */
  applyNodes(statuses: ReadonlyMap<string, NodeStatus>, revision: number, receivedAt: number): void {
    this.setRevision(revision);
    for (const [agentId, status] of statuses) {
      const view = this.#views.get(agentId);
      if (view === undefined) continue;
      if (!status.active) {
        this.#drop(view);
        view.deactivate(status.reason ?? `agent ${JSON.stringify(agentId)} is not attested`);
        continue;
      }
      if (!sameSelectors(view.selectors, status.selectors)) {
        view.setSelectors(status.selectors);
        this.#recompute(view, receivedAt);
      }
    }
  }

  /** Tells the views that need them that bundles changed. Call on the executor. */
  applyBundles(updated: readonly string[], removed: readonly string[], localTrustDomain: string, revision: number, receivedAt: number): void {
    this.setRevision(revision);
    for (const view of this.#views.values()) {
      const needs = (td: string) => td === localTrustDomain || view.federatesWith.has(td);
      const bundlesUpdated = updated.filter(needs);
      const bundlesRemoved = removed.filter(needs);
      view.publish({ revision: this.#revision, upserts: [], removals: [], bundlesUpdated, bundlesRemoved, receivedAt });
    }
  }

  /** Recomputes every view (after the index was rebuilt). Call on the executor. */
  recomputeAll(revision: number, receivedAt: number): void {
    this.setRevision(revision);
    for (const view of this.#views.values()) this.#recompute(view, receivedAt);
  }

  /** Ends every listener (server shutting down), forgets every view, and refuses new ones with `error`. */
  endAll(error: Error): void {
    this.#ended = error;
    for (const view of this.#views.values()) view.end(error);
    this.#views.clear();
    this.#agentsByParent.clear();
  }

  /**
   * Sets the federated trust domains every workload trusts (relationships marked trusted by
   * all): every view gains or loses their bundles. Call on the executor.
   */
  setTrustedByAll(trustDomains: ReadonlySet<string>, revision: number, receivedAt: number): void {
    const changed = [...trustDomains, ...this.#trustedByAll].filter((td) => trustDomains.has(td) !== this.#trustedByAll.has(td));
    this.#trustedByAll = trustDomains;
    if (changed.length === 0) return;
    this.setRevision(revision);
    for (const view of this.#views.values()) {
      const had = new Set(view.federatesWith);
      this.#recompute(view, receivedAt);
      // A bundle the agent keeps (its entries federate with it) but whose flag changed: resend it.
      const flagOnly = changed.filter((td) => had.has(td) && view.federatesWith.has(td));
      if (flagOnly.length > 0) view.publish({ revision: this.#revision, upserts: [], removals: [], bundlesUpdated: flagOnly, bundlesRemoved: [], receivedAt });
    }
  }

  #recompute(view: AgentView, receivedAt: number, initial = false): void {
    const before = view.parents;
    const set = computeAuthorized(view.agentId, view.selectors, this.#index);
    view.replace(set, this.#revision, receivedAt, initial, this.#trustedByAll);
    for (const parent of before) if (!set.parents.has(parent)) this.#unlink(parent, view.agentId);
    for (const parent of set.parents) {
      if (before.has(parent)) continue;
      let agents = this.#agentsByParent.get(parent);
      if (agents === undefined) {
        agents = new Set();
        this.#agentsByParent.set(parent, agents);
      }
      agents.add(view.agentId);
    }
  }

  #drop(view: AgentView): void {
    this.#views.delete(view.agentId);
    for (const parent of view.parents) this.#unlink(parent, view.agentId);
  }

  #unlink(parent: string, agentId: string): void {
    const agents = this.#agentsByParent.get(parent);
    if (agents === undefined) return;
    agents.delete(agentId);
    if (agents.size === 0) this.#agentsByParent.delete(parent);
  }

  #evictIdle(): void {
    const max = this.#options.maxAgents ?? 10_000;
    if (this.#views.size <= max) return;
    for (const view of [...this.#views.values()]) {
      if (this.#views.size <= max) return;
      if (view.listenerCount === 0) this.#drop(view);
    }
  }
}

function sameSelectors(a: readonly Selector[], b: readonly Selector[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(selectorKey));
  return b.every((s) => keys.has(selectorKey(s)));
}
