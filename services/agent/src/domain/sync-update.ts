/**
 * One message of the control plane's push stream of authorized entries, in domain terms, and the
 * agent's copy of that state, updated by applying messages in order.
 * @module
 */
import type { AgentEntry } from './entry.js';
import type { TrustBundle } from './view.js';

/** One SyncAuthorized message. */
export interface SyncUpdate {
  readonly revision: number;
  /** Part of a snapshot: the state is replaced once `snapshotDone` arrives. */
  readonly snapshot: boolean;
  readonly snapshotDone: boolean;
  readonly upserts: readonly AgentEntry[];
  readonly removals: readonly string[];
  readonly bundles: readonly TrustBundle[];
  readonly removedBundles: readonly string[];
  /** W3C traceparent of the change, when the control plane traced it. */
  readonly traceparent?: string;
}

/** What applying a message changed. */
export interface StateChange {
  /** Entries added or changed, by id. */
  readonly upserted: ReadonlySet<string>;
  /** Entries removed, by id. */
  readonly removed: ReadonlySet<string>;
  /** Trust domains whose bundle was added, changed or removed. */
  readonly bundles: ReadonlySet<string>;
}

const NO_CHANGE: StateChange = { upserted: new Set(), removed: new Set(), bundles: new Set() };

/** The agent's copy of its authorized entries and bundles. */
export class AuthorizedState {
  readonly entries = new Map<string, AgentEntry>();
  readonly bundles = new Map<string, TrustBundle>();
  /** The revision of the last applied message (0 before any). */
  revision = 0;
  /** Whether a full snapshot has been applied since the state was created. */
  synced = false;
  #snapshot: { entries: Map<string, AgentEntry>; bundles: Map<string, TrustBundle> } | undefined;

  /**
   * Applies one message. Snapshot chunks are collected and replace the state at `snapshotDone`;
   * other messages apply at once. Returns what changed (nothing for a snapshot chunk that is not
   * the last).
   */
  apply(update: SyncUpdate): StateChange {
    if (update.snapshot) {
      const snap = (this.#snapshot ??= { entries: new Map(), bundles: new Map() });
      for (const e of update.upserts) snap.entries.set(e.id, e);
      for (const b of update.bundles) snap.bundles.set(b.trustDomain, b);
      if (!update.snapshotDone) return NO_CHANGE;
      this.#snapshot = undefined;
      this.revision = update.revision;
      this.synced = true;
      return this.#replace(snap.entries, snap.bundles);
    }
    this.#snapshot = undefined;
    const upserted = new Set<string>();
    const removed = new Set<string>();
    const bundles = new Set<string>();
    for (const e of update.upserts) {
      if (sameEntry(this.entries.get(e.id), e)) continue;
      upserted.add(e.id);
      this.entries.set(e.id, e);
    }
    for (const id of update.removals) if (this.entries.delete(id)) removed.add(id);
    for (const b of update.bundles) {
      if (sameBundle(this.bundles.get(b.trustDomain), b)) continue;
      bundles.add(b.trustDomain);
      this.bundles.set(b.trustDomain, b);
    }
    for (const td of update.removedBundles) if (this.bundles.delete(td)) bundles.add(td);
    this.revision = Math.max(this.revision, update.revision);
    return { upserted, removed, bundles };
  }

  #replace(entries: Map<string, AgentEntry>, bundles: Map<string, TrustBundle>): StateChange {
    const upserted = new Set<string>();
    const removed = new Set<string>();
    const changedBundles = new Set<string>();
    for (const id of this.entries.keys()) if (!entries.has(id)) removed.add(id);
    for (const [id, e] of entries) if (!sameEntry(this.entries.get(id), e)) upserted.add(id);
    for (const td of this.bundles.keys()) if (!bundles.has(td)) changedBundles.add(td);
    for (const [td, b] of bundles) if (!sameBundle(this.bundles.get(td), b)) changedBundles.add(td);
    // Unchanged entries and bundles keep their objects, so views can be compared by identity.
    for (const id of removed) this.entries.delete(id);
    for (const id of upserted) this.entries.set(id, entries.get(id)!);
    for (const td of changedBundles) {
      const b = bundles.get(td);
      if (b === undefined) this.bundles.delete(td);
      else this.bundles.set(td, b);
    }
    return { upserted, removed, bundles: changedBundles };
  }
}

/** Whether two entries are equal in every field the agent uses. */
export function sameEntry(a: AgentEntry | undefined, b: AgentEntry): boolean {
  if (a === undefined) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether two bundles hold the same authorities and taints (sequence and refresh hint aside). */
export function sameBundle(a: TrustBundle | undefined, b: TrustBundle): boolean {
  if (a === undefined) return false;
  if (a.x509Authorities.length !== b.x509Authorities.length || a.jwtAuthorities.length !== b.jwtAuthorities.length) return false;
  for (let i = 0; i < a.x509Authorities.length; i++) if (!Buffer.from(a.x509Authorities[i]!).equals(b.x509Authorities[i]!)) return false;
  for (let i = 0; i < a.jwtAuthorities.length; i++) {
    const x = a.jwtAuthorities[i]!;
    const y = b.jwtAuthorities[i]!;
    if (x.keyId !== y.keyId || !Buffer.from(x.publicKey).equals(y.publicKey)) return false;
  }
  const ta = a.taintedX509Authorities ?? [];
  const tb = b.taintedX509Authorities ?? [];
  if (ta.length !== tb.length || ta.some((d, i) => !Buffer.from(d).equals(tb[i]!))) return false;
  if ((a.trustedByAll ?? false) !== (b.trustedByAll ?? false)) return false;
  return (a.taintedJwtKeyIds ?? []).join('\n') === (b.taintedJwtKeyIds ?? []).join('\n');
}
