/**
 * Ledger rows whose authority is unknown. The authority is the ledger's one reference (entry and
 * node are history, migration 0006); a row naming an authority that is not in `ca_authorities`
 * cannot be written, and is dropped rather than holding the rest of its batch back.
 * @module
 */
import { getAuthority, type Db, type IssuanceRecord } from '@signet/datastore';

/** Rows that can be written, and rows that cannot (their authority is unknown). */
export interface RowsByAuthority {
  readonly rows: IssuanceRecord[];
  readonly unwritable: IssuanceRecord[];
}

/** Looks up every authority the rows name (one query per distinct authority) and splits the rows by it. */
export async function splitByAuthority(db: Db, batch: readonly IssuanceRecord[]): Promise<RowsByAuthority> {
  const known = new Set<string>();
  for (const id of new Set(batch.map((r) => r.authorityId))) if ((await getAuthority(db, id)) !== undefined) known.add(id);
  const rows: IssuanceRecord[] = [];
  const unwritable: IssuanceRecord[] = [];
  for (const row of batch) (known.has(row.authorityId) ? rows : unwritable).push(row);
  return { rows, unwritable };
}
