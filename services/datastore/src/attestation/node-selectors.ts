/**
 * The selectors attestation found for each node (e.g. its cloud region or
 * Kubernetes cluster), used to decide which entries a node may serve.
 *
 * Owner: attestation.
 *
 * @example
 * ```ts
 * await setNodeSelectors(db, agentId, [{ type: 'k8s_psat', value: 'cluster:prod' }], now);
 * const byNode = await listNodeSelectors(db, [agentId]);
 * ```
 * @module
 */
import { runInTransaction } from '../db/run-in-transaction.js';
import type { Queryable } from '../db/types.js';
import { normalizeSelectors, type Selector } from '../selector.js';
import { nodeNotFound } from './node.js';

/** Replaces the node's selectors (an empty list clears them); returns them sorted. */
export async function setNodeSelectors(
  q: Queryable,
  spiffeId: string,
  selectors: readonly Selector[],
  now: Date,
): Promise<Selector[]> {
  const normalized = normalizeSelectors(selectors, 'selectors');
  return runInTransaction(q, async (tx) => {
    const touched = await tx.query('UPDATE attested_nodes SET updated_at = $2 WHERE spiffe_id = $1', [spiffeId, now]);
    if (touched.rowCount === 0) throw nodeNotFound(spiffeId);
    await tx.query('DELETE FROM node_selectors WHERE spiffe_id = $1', [spiffeId]);
    if (normalized.length > 0) {
      await tx.query(
        `INSERT INTO node_selectors (spiffe_id, type, value)
         SELECT $1, t, v FROM unnest($2::text[], $3::text[]) AS u(t, v)`,
        [spiffeId, normalized.map((s) => s.type), normalized.map((s) => s.value)],
      );
    }
    return normalized;
  });
}

/** The node's selectors, sorted by type then value (empty for an unknown node). */
export async function getNodeSelectors(q: Queryable, spiffeId: string): Promise<Selector[]> {
  const { rows } = await q.query<Selector>(
    'SELECT type, value FROM node_selectors WHERE spiffe_id = $1 ORDER BY type, value',
    [spiffeId],
  );
  return rows.map((r) => ({ type: r.type, value: r.value }));
}

/** Selectors of several nodes at once; every requested node is a key (possibly with no selectors). */
export async function listNodeSelectors(q: Queryable, spiffeIds: readonly string[]): Promise<Map<string, Selector[]>> {
  const result = new Map<string, Selector[]>(spiffeIds.map((id) => [id, []]));
  if (spiffeIds.length === 0) return result;
  const { rows } = await q.query<{ spiffe_id: string; type: string; value: string }>(
    'SELECT spiffe_id, type, value FROM node_selectors WHERE spiffe_id = ANY($1::text[]) ORDER BY spiffe_id, type, value',
    [[...spiffeIds]],
  );
  for (const row of rows) result.get(row.spiffe_id)?.push({ type: row.type, value: row.value });
  return result;
}
