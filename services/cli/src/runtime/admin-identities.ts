/**
 * The SPIFFE IDs of registration entries marked `admin`, kept in memory so the transports can
 * classify an mTLS peer synchronously on every call, and refreshed whenever an entry changes.
 */
import type { Db } from '@signet/datastore';

/** A live set of admin SPIFFE IDs. */
export class AdminIdentities {
  readonly #db: Db;
  #ids: ReadonlySet<string> = new Set();

  constructor(db: Db) {
    this.#db = db;
  }

  /** Reloads the set from the database (cheap: an indexed scan of admin entries). */
  async refresh(): Promise<void> {
    const { rows } = await this.#db.query<{ spiffe_id: string }>(
      'select distinct spiffe_id from registration_entries where admin and (expires_at is null or expires_at > now())',
    );
    this.#ids = new Set(rows.map((r) => r.spiffe_id));
  }

  /** True when `spiffeId` is the ID of an admin entry. */
  has(spiffeId: string): boolean {
    return this.#ids.has(spiffeId);
  }
}
