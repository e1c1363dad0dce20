/**
 * Repairing ledger rows whose references dangle: the entry was deleted after signing, or the
 * agent is not (yet, or any more) in `attested_nodes`. The ledger keeps such rows with the
 * reference cleared, like `ON DELETE SET NULL` does for rows already written.
 * @module
 */
import { getAuthority, getEntries, getNode, type Db, type IssuanceRecord } from '@signet/datastore';

/** Rows that can be written, and rows that cannot (their authority is unknown). */
export interface RepairedRows {
  readonly rows: IssuanceRecord[];
  readonly unwritable: IssuanceRecord[];
}

/**
 * Looks up every entry, node and authority the rows refer to (one query for the entries, one per
 * distinct node and authority) and clears the references that point at nothing; rows of unknown
 * authorities cannot be written.
 */
export async function repairReferences(db: Db, batch: readonly IssuanceRecord[]): Promise<RepairedRows> {
  const entryIds = distinct(batch.map((r) => r.entryId));
  const nodeIds = distinct(batch.map((r) => r.nodeId));
  const authorityIds = distinct(batch.map((r) => r.authorityId));
  const entries = new Set((await getEntries(db, entryIds)).map((e) => e.id));
  const nodes = new Set<string>();
  for (const id of nodeIds) if ((await getNode(db, id)) !== undefined) nodes.add(id);
  const authorities = new Set<string>();
  for (const id of authorityIds) if ((await getAuthority(db, id)) !== undefined) authorities.add(id);
  const rows: IssuanceRecord[] = [];
  const unwritable: IssuanceRecord[] = [];
  for (const row of batch) {
    if (!authorities.has(row.authorityId)) {
      unwritable.push(row);
      continue;
    }
    const entryOk = row.entryId === null || entries.has(row.entryId);
    const nodeOk = row.nodeId === null || nodes.has(row.nodeId);
    rows.push(entryOk && nodeOk ? row : { ...row, entryId: entryOk ? row.entryId : null, nodeId: nodeOk ? row.nodeId : null });
  }
  return { rows, unwritable };
}

function distinct(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}
