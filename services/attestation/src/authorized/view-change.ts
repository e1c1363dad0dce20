/**
 * A change to an agent's authorized view, and how several changes fold into one (the last
 * word on each entry and each bundle wins).
 * @module
 */
import type { RegistrationEntry } from '@signet/datastore';

/** What changed in an agent's view at one revision. */
export interface ViewChange {
  /** The change-log revision the view is current with after this change. */
  readonly revision: number;
  /** Entries added or changed. */
  readonly upserts: readonly RegistrationEntry[];
  /** Ids of entries no longer served. */
  readonly removals: readonly string[];
  /** Trust domains whose bundle the agent should (re)load. */
  readonly bundlesUpdated: readonly string[];
  /** Trust domains whose bundle the agent should drop. */
  readonly bundlesRemoved: readonly string[];
  /** `performance.now()` when the change reached this process (for push latency). */
  readonly receivedAt: number;
}

/** Folds changes into one net change. */
export class ChangeAccumulator {
  readonly #upserts = new Map<string, RegistrationEntry>();
  readonly #removals = new Set<string>();
  readonly #bundlesUpdated = new Set<string>();
  readonly #bundlesRemoved = new Set<string>();
  #revision = 0;
  #receivedAt = Number.POSITIVE_INFINITY;
  #count = 0;

  /** How many changes were added since the last {@link ChangeAccumulator.take}. */
  get pending(): number {
    return this.#count;
  }

  /** Adds a change (later changes override earlier ones). */
  add(change: ViewChange): void {
    for (const entry of change.upserts) {
      this.#removals.delete(entry.id);
      this.#upserts.set(entry.id, entry);
    }
    for (const id of change.removals) {
      this.#upserts.delete(id);
      this.#removals.add(id);
    }
    for (const td of change.bundlesUpdated) {
      this.#bundlesRemoved.delete(td);
      this.#bundlesUpdated.add(td);
    }
    for (const td of change.bundlesRemoved) {
      this.#bundlesUpdated.delete(td);
      this.#bundlesRemoved.add(td);
    }
    this.#revision = Math.max(this.#revision, change.revision);
    this.#receivedAt = Math.min(this.#receivedAt, change.receivedAt);
    this.#count += 1;
  }

  /** The net change so far (revision 0 when nothing was added), and resets. */
  take(): ViewChange {
    const change: ViewChange = {
      revision: this.#revision,
      upserts: [...this.#upserts.values()],
      removals: [...this.#removals],
      bundlesUpdated: [...this.#bundlesUpdated],
      bundlesRemoved: [...this.#bundlesRemoved],
      receivedAt: this.#receivedAt,
    };
    this.#upserts.clear();
    this.#removals.clear();
    this.#bundlesUpdated.clear();
    this.#bundlesRemoved.clear();
    this.#revision = 0;
    this.#receivedAt = Number.POSITIVE_INFINITY;
    this.#count = 0;
    return change;
  }
}

/** Whether a change carries nothing. */
export function isEmptyChange(change: ViewChange): boolean {
  return change.upserts.length + change.removals.length + change.bundlesUpdated.length + change.bundlesRemoved.length === 0;
}

/** Whether two versions of an entry differ (entries carry their own revision and update time). */
export function entryChanged(before: RegistrationEntry, after: RegistrationEntry): boolean {
  return before !== after && (before.revision !== after.revision || before.updatedAt.getTime() !== after.updatedAt.getTime());
}
