/**
 * Test support: a real {@link EntryAuthorizer} over the datastore with the simplest rule — an
 * agent may serve the entries whose parent is the agent itself. (The attestation service's
 * authorizer also follows node aliases; the CA only consumes the interface.)
 * @module
 */
import { getEntry, type Db, type RegistrationEntry } from '@signet/datastore';
import type { AuthorizedEntry, EntryAuthorizer } from '../signing/entry-authorizer.js';

function toAuthorized(entry: RegistrationEntry): AuthorizedEntry {
  return {
    id: entry.id,
    spiffeId: entry.spiffeId,
    x509SvidTtl: entry.x509SvidTtl,
    jwtSvidTtl: entry.jwtSvidTtl,
    dnsNames: entry.dnsNames,
    expiresAt: entry.expiresAt,
  };
}

/** Entries served by the agent named as their parent. */
export class ParentEntryAuthorizer implements EntryAuthorizer {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async authorizedEntry(agentId: string, entryId: string): Promise<AuthorizedEntry | undefined> {
    const entry = await getEntry(this.#db, entryId);
    return entry !== undefined && entry.parentId === agentId ? toAuthorized(entry) : undefined;
  }

  async getEntry(entryId: string): Promise<AuthorizedEntry | undefined> {
    const entry = await getEntry(this.#db, entryId);
    return entry === undefined ? undefined : toAuthorized(entry);
  }
}
