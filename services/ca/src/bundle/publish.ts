/**
 * Writing the local bundle into the `bundles` table when its content changed, with the next
 * `spiffe_sequence`, and the change event that pushes it to agents and federation.
 * @module
 */
import { EventKinds, getBundle, putBundle, type NewChangeEvent, type StoredBundle, type Tx } from '@signet/datastore';
import type { SpiffeBundle } from '@signet/spiffe';
import { bundleDocument, isUpToDate } from './local-bundle.js';

/** A bundle written by {@link publishLocalBundle}, and the event to append for it. */
export interface PublishedBundle {
  readonly stored: StoredBundle;
  readonly event: NewChangeEvent;
}

/**
 * Stores `desired` as the local bundle unless the stored one already has the same content.
 * The write is a compare-and-swap on the stored sequence, and the document's `spiffe_sequence`
 * equals the stored sequence after the write (1, 2, 3, …). Run it in the rotation transaction,
 * and append the returned event last.
 *
 * @example
 * ```ts
 * const published = await publishLocalBundle(tx, desired, now);
 * if (published) events.push(published.event);
 * ```
 */
export async function publishLocalBundle(tx: Tx, desired: SpiffeBundle, now: Date): Promise<PublishedBundle | undefined> {
  const trustDomain = desired.trustDomain.name;
  const current = await getBundle(tx, trustDomain);
  if (current?.source === 'local' && isUpToDate(desired, current)) return undefined;
  const expectedSequence = current?.sequence ?? 0;
  const sequence = expectedSequence + 1;
  const stored = await putBundle(tx, { trustDomain, document: bundleDocument(desired, sequence), source: 'local' }, now, { expectedSequence });
  return {
    stored,
    event: {
      kind: EventKinds.bundleUpdated,
      subject: trustDomain,
      payload: { source: 'local', sequence: stored.sequence },
    },
  };
}
