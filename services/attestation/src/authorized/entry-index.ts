/**
 * An in-memory index of every registration entry, kept current by change events: entries by
 * id, by parent ID, and node-alias entries (those whose parent is the server's ID) by each of
 * their selectors. It answers the two questions of authorized-entry computation in time
 * proportional to the answer: "which entries have this parent?" and "which aliases mention
 * this selector?".
 * @module
 */
import type { RegistrationEntry } from '@signet/datastore';
import { selectorKey } from '../internal/selectors.js';

/** The read side of the index, as {@link computeAuthorized} uses it. */
export interface EntryIndexView {
  /** The server's SPIFFE ID: entries with this parent are node aliases. */
  readonly serverId: string;
  /** Entries (never aliases) whose parent ID is `parentId`. */
  childrenOf(parentId: string): Iterable<RegistrationEntry>;
  /** Node-alias entries with the selector of key `key` (see `selectorKey`). */
  aliasesWithSelector(key: string): Iterable<RegistrationEntry>;
}

const EMPTY: ReadonlyMap<string, RegistrationEntry> = new Map();

/** A mutable index of entries. */
export class EntryIndex implements EntryIndexView {
  readonly serverId: string;
  readonly #byId = new Map<string, RegistrationEntry>();
  readonly #byParent = new Map<string, Map<string, RegistrationEntry>>();
  readonly #aliasesBySelector = new Map<string, Map<string, RegistrationEntry>>();
  #aliasCount = 0;

  constructor(serverId: string) {
    this.serverId = serverId;
  }

  /** Number of entries (aliases included). */
  get size(): number {
    return this.#byId.size;
  }

  /** Number of node-alias entries. */
  get aliasCount(): number {
    return this.#aliasCount;
  }

  /** The entry with this id. */
  get(id: string): RegistrationEntry | undefined {
    return this.#byId.get(id);
  }

  /** Every entry, in no particular order. */
  values(): IterableIterator<RegistrationEntry> {
    return this.#byId.values();
  }

  /** Whether `entry` is a node alias. */
  isAlias(entry: RegistrationEntry): boolean {
    return entry.parentId === this.serverId;
  }

  childrenOf(parentId: string): Iterable<RegistrationEntry> {
    return (this.#byParent.get(parentId) ?? EMPTY).values();
  }

  aliasesWithSelector(key: string): Iterable<RegistrationEntry> {
    return (this.#aliasesBySelector.get(key) ?? EMPTY).values();
  }

  /** Adds or replaces an entry; returns the entry it replaced. */
  upsert(entry: RegistrationEntry): RegistrationEntry | undefined {
    const previous = this.remove(entry.id);
    this.#byId.set(entry.id, entry);
    if (this.isAlias(entry)) {
      this.#aliasCount += 1;
      for (const s of entry.selectors) bucket(this.#aliasesBySelector, selectorKey(s)).set(entry.id, entry);
    } else {
      bucket(this.#byParent, entry.parentId).set(entry.id, entry);
    }
    return previous;
  }

  /** Removes an entry; returns it, or `undefined` when it was not indexed. */
  remove(id: string): RegistrationEntry | undefined {
    const entry = this.#byId.get(id);
    if (entry === undefined) return undefined;
    this.#byId.delete(id);
    if (this.isAlias(entry)) {
      this.#aliasCount -= 1;
      for (const s of entry.selectors) unbucket(this.#aliasesBySelector, selectorKey(s), id);
    } else {
      unbucket(this.#byParent, entry.parentId, id);
    }
    return entry;
  }

  /** Removes every entry. */
  clear(): void {
    this.#byId.clear();
    this.#byParent.clear();
    this.#aliasesBySelector.clear();
    this.#aliasCount = 0;
  }
}

function bucket(map: Map<string, Map<string, RegistrationEntry>>, key: string): Map<string, RegistrationEntry> {
  let found = map.get(key);
  if (found === undefined) {
    found = new Map();
    map.set(key, found);
  }
  return found;
}

function unbucket(map: Map<string, Map<string, RegistrationEntry>>, key: string, id: string): void {
  const found = map.get(key);
  if (found === undefined) return;
  found.delete(id);
  if (found.size === 0) map.delete(key);
}
