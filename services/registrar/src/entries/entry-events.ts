/**
 * The change events the registrar appends for entries, in the transaction of the change.
 * Subject: the entry id. Payload: the entry's revision after the change, its SPIFFE ID and
 * parent (what agents and caches route on) and, when an update moved it, where it was before,
 * so the previous parent's agent learns to drop it.
 * @module
 */
import { EventKinds, type NewChangeEvent, type RegistrationEntry } from '@signet/datastore';

/** `entry.created`. */
export function entryCreatedEvent(entry: RegistrationEntry): NewChangeEvent {
  return { kind: EventKinds.entryCreated, subject: entry.id, payload: routing(entry) };
}

/** `entry.updated`, with the previous SPIFFE ID and parent when they changed. */
export function entryUpdatedEvent(before: RegistrationEntry, after: RegistrationEntry): NewChangeEvent {
  return {
    kind: EventKinds.entryUpdated,
    subject: after.id,
    payload: {
      ...routing(after),
      ...(before.parentId !== after.parentId ? { previous_parent_id: before.parentId } : {}),
      ...(before.spiffeId !== after.spiffeId ? { previous_spiffe_id: before.spiffeId } : {}),
    },
  };
}

/** `entry.deleted`; the revision is the deleted entry's last one. */
export function entryDeletedEvent(entry: RegistrationEntry): NewChangeEvent {
  return { kind: EventKinds.entryDeleted, subject: entry.id, payload: routing(entry) };
}

function routing(entry: RegistrationEntry): { revision: number; spiffe_id: string; parent_id: string } {
  return { revision: entry.revision, spiffe_id: entry.spiffeId, parent_id: entry.parentId };
}
