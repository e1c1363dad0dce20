/**
 * How a replica learns of authority changes made by another: it follows the change log and
 * reloads the journal on every `authority.*` event and on every update of its own trust
 * domain's bundle. (The rotation ticker also reloads on every tick, which covers a lost
 * subscription.)
 * @module
 */
import { EventKinds, latestRevision, subscribeEvents, type ChangeEvent, type Db, type EventSubscription } from '@signet/datastore';
import type { Logger } from '@signet/platform';

/** True when `event` may change what this replica signs with or publishes. */
export function isAuthorityChange(event: ChangeEvent, trustDomain: string): boolean {
  return event.kind.startsWith('authority.') || (event.kind === EventKinds.bundleUpdated && event.subject === trustDomain);
}

/**
 * Subscribes to the change log from now on and calls `reload` for authority changes.
 *
 * @example
 * ```ts
 * const follower = await followAuthorityChanges(db, 'example.org', () => manager.reload(), logger);
 * await follower.close();
 * ```
 */
export async function followAuthorityChanges(db: Db, trustDomain: string, reload: () => Promise<unknown>, logger: Logger): Promise<EventSubscription> {
  return subscribeEvents(db, {
    fromRevision: await latestRevision(db),
    onEvent: async (event) => {
      if (isAuthorityChange(event, trustDomain)) await reload();
    },
    onError: (err) => logger.warn({ err }, 'ca: following authority changes'),
  });
}
