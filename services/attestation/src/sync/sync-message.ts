/**
 * One message of the SyncAuthorized stream, in domain form (the API layer encodes it).
 *
 * Revisions: every message says which change-log revision the agent is current with once it
 * has applied the message. Snapshot messages all carry the snapshot's revision, but the
 * agent replaces its view only at `snapshotDone`; when a change is split over several
 * messages, all but the last carry the revision before the change. So an agent that keeps
 * the revision of the last message it applied (snapshot messages: only the last) can always
 * resume from it.
 * @module
 */
import type { RegistrationEntry } from '@signet/datastore';
import type { BundleSnapshot } from './bundle-store.js';

/** A message to an agent. */
export interface SyncMessage {
  readonly revision: number;
  readonly snapshot: boolean;
  readonly snapshotDone: boolean;
  readonly upserts: readonly RegistrationEntry[];
  readonly removals: readonly string[];
  readonly bundles: readonly BundleSnapshot[];
  readonly removedBundles: readonly string[];
  /** W3C traceparent of the change this message carries, when it was traced. */
  readonly traceparent?: string;
}
