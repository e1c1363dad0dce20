/**
 * Entry and bundle writes done the way the registrar and the CA do them: the change and its
 * event in one transaction. Returns the revision of the last event.
 * @module
 */
import {
  appendEvents,
  batchCreateEntries,
  type Db,
  deleteEntry,
  EventKinds,
  type NewRegistrationEntry,
  putBundle,
  type RegistrationEntry,
  type RegistrationEntryChanges,
  updateEntry,
} from '@signet/datastore';
import type { SpiffeBundle } from '@signet/spiffe';

/** Creates entries (in one transaction, with one `entry.created` event each). */
export async function createEntries(db: Db, inputs: readonly NewRegistrationEntry[], now: Date): Promise<{ entries: RegistrationEntry[]; revision: number }> {
  return db.transaction(async (tx) => {
    const entries = await batchCreateEntries(tx, inputs, now);
    const events = await appendEvents(tx, entries.map((e) => ({ kind: EventKinds.entryCreated, subject: e.id, payload: { parentId: e.parentId } })), now);
    return { entries, revision: events.at(-1)?.revision ?? 0 };
  });
}

/** Updates an entry with its event. */
export async function changeEntry(db: Db, id: string, changes: RegistrationEntryChanges, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    await updateEntry(tx, { id, changes }, now);
    const [event] = await appendEvents(tx, [{ kind: EventKinds.entryUpdated, subject: id }], now);
    return event?.revision ?? 0;
  });
}

/** Deletes an entry with its event. */
export async function removeEntry(db: Db, id: string, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    await deleteEntry(tx, id);
    const [event] = await appendEvents(tx, [{ kind: EventKinds.entryDeleted, subject: id }], now);
    return event?.revision ?? 0;
  });
}

/** Stores a bundle (local or federated) with its `bundle.updated` event. */
export async function storeBundle(db: Db, bundle: SpiffeBundle, source: 'local' | 'federated', now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    await putBundle(tx, { trustDomain: bundle.trustDomain.name, document: JSON.parse(bundle.toJson()) as Record<string, never>, source }, now);
    const [event] = await appendEvents(tx, [{ kind: EventKinds.bundleUpdated, subject: bundle.trustDomain.name }], now);
    return event?.revision ?? 0;
  });
}
