/**
 * The question the CA asks before minting an SVID for an agent: may this agent serve this
 * entry? Answered from the agent's cached view.
 * @module
 */
import type { RegistrationEntry } from '@signet/datastore';
import type { Clock } from '@signet/platform';
import type { AuthorizedCache } from './authorized-cache.js';

/**
 * Whether an agent may serve an entry.
 *
 * @example
 * ```ts
 * const entry = await authorizer.authorizedEntry(caller.spiffeId, request.entry_id);
 * if (entry === undefined) throw new ApiError('permission_denied', 'entry_id: not authorized for this agent');
 * ```
 */
export interface EntryAuthorizer {
  /**
   * The entry when `agentId` is an active agent that may serve it and the entry has not
   * expired; otherwise `undefined`.
   */
  authorizedEntry(agentId: string, entryId: string): Promise<RegistrationEntry | undefined>;
}

/** Creates the authorizer over the cache. */
export function createEntryAuthorizer(cache: AuthorizedCache, clock: Clock): EntryAuthorizer {
  return {
    async authorizedEntry(agentId, entryId) {
      const view = await cache.acquire(agentId);
      if (!view.active) return undefined;
      const entry = view.entries.get(entryId);
      if (entry === undefined) return undefined;
      if (entry.expiresAt !== null && entry.expiresAt.getTime() <= clock.nowMs()) return undefined;
      return entry;
    },
  };
}
