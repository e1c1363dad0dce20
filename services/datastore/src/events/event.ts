/**
 * Change events: an append-only log of what changed, with a revision number
 * that increases in commit order. Services append events in the same
 * transaction as the change; agents and caches follow the log.
 * @module
 */
import type { JsonValue } from '../internal/json.js';

/** The NOTIFY channel that carries the revision of each committed append. */
export const EVENTS_CHANNEL = 'signet_events';

/** Event kinds the services emit (others are allowed: dotted lowercase words). */
export const EventKinds = {
  entryCreated: 'entry.created',
  entryUpdated: 'entry.updated',
  entryDeleted: 'entry.deleted',
  nodeAttested: 'node.attested',
  nodeUpdated: 'node.updated',
  nodeSelectorsChanged: 'node.selectors_changed',
  nodeBanned: 'node.banned',
  nodeEvicted: 'node.evicted',
  bundleUpdated: 'bundle.updated',
  bundleDeleted: 'bundle.deleted',
  authorityPrepared: 'authority.prepared',
  authorityActivated: 'authority.activated',
  authorityTainted: 'authority.tainted',
  authorityRevoked: 'authority.revoked',
  federationRelationshipCreated: 'federation_relationship.created',
  federationRelationshipUpdated: 'federation_relationship.updated',
  federationRelationshipDeleted: 'federation_relationship.deleted',
  federationRefreshRequested: 'federation_relationship.refresh_requested',
} as const;

/** One of {@link EventKinds}. */
export type KnownEventKind = (typeof EventKinds)[keyof typeof EventKinds];

/** An event kind: a known one, or any other dotted lowercase name. */
export type EventKind = KnownEventKind | (string & {});

/** A committed event. */
export interface ChangeEvent {
  /** Position in the log; increases in commit order (with gaps where transactions rolled back). */
  readonly revision: number;
  readonly kind: EventKind;
  /** What changed: an entry id, a node's SPIFFE ID, a trust domain. */
  readonly subject: string;
  /** Extra facts for followers (e.g. the entry's parent id), JSON. */
  readonly payload: JsonValue;
  readonly createdAt: Date;
}

/** What a writer appends. */
export interface NewChangeEvent {
  kind: EventKind;
  subject: string;
  /** Default `{}`. */
  payload?: JsonValue | undefined;
}

/** Row shape of `change_events`. */
export interface EventRow {
  revision: number;
  kind: string;
  subject: string;
  payload: JsonValue;
  created_at: Date;
}

/** Maps a row to the domain type. */
export function eventFromRow(row: EventRow): ChangeEvent {
  return { revision: row.revision, kind: row.kind, subject: row.subject, payload: row.payload, createdAt: row.created_at };
}
