/**
 * The attested-node repository: create, read, list, update, ban and evict.
 *
 * Evicting deletes the node (its selectors go with it), so the agent must
 * attest again; banning keeps the record but clears its certificate serials,
 * so the agent's SVIDs are no longer recognised.
 *
 * @example
 * ```ts
 * await createNode(db, { spiffeId, attestationType: 'join_token', certSerial: 'ab12', certNotAfter }, now);
 * await banNode(db, spiffeId, now);
 * ```
 * @module
 */
import type { Queryable } from '../db/types.js';
import { InvalidArgumentError } from '../errors.js';
import { decodePageToken, type Page, type PageRequest, resolvePageSize, toPage } from '../internal/pagination.js';
import { setMatchCondition } from '../internal/set-match-sql.js';
import { SqlParams } from '../internal/sql-params.js';
import { checkSetMatch, normalizeSelectors, type Selector, type SetMatch } from '../selector.js';
import {
  type AttestedNode,
  type AttestedNodeChanges,
  type NewAttestedNode,
  NODE_COLUMNS,
  type NodeRow,
  nodeFromRow,
  nodeNotFound as notFound,
} from './node.js';

/** Filters of {@link listNodes}; all given filters must hold. */
export interface NodeFilter {
  attestationType?: string | undefined;
  banned?: boolean | undefined;
  canReattest?: boolean | undefined;
  /** Only nodes whose current SVID expires before this instant. */
  certExpiresBefore?: Date | undefined;
  /** Compare the node's selectors with these. */
  selectors?: { selectors: readonly Selector[]; match: SetMatch } | undefined;
}

const PAGE_SCOPE = 'attested_nodes';
const CHANGE_COLUMNS: Readonly<Record<keyof AttestedNodeChanges, string>> = {
  attestationType: 'attestation_type',
  certSerial: 'cert_serial',
  certNotAfter: 'cert_not_after',
  newCertSerial: 'new_cert_serial',
  newCertNotAfter: 'new_cert_not_after',
  canReattest: 'can_reattest',
};

/** Records a newly attested node; `AlreadyExistsError` if the SPIFFE ID is taken. */
export async function createNode(q: Queryable, input: NewAttestedNode, now: Date): Promise<AttestedNode> {
  const { rows } = await q.query<NodeRow>(
    `INSERT INTO attested_nodes (spiffe_id, attestation_type, cert_serial, cert_not_after, new_cert_serial,
                                 new_cert_not_after, can_reattest, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ${NODE_COLUMNS}`,
    [
      input.spiffeId,
      input.attestationType,
      input.certSerial ?? null,
      input.certNotAfter ?? null,
      input.newCertSerial ?? null,
      input.newCertNotAfter ?? null,
      input.canReattest ?? false,
      now,
    ],
  );
  return nodeFromRow(rows[0] as NodeRow);
}

/** The node with this SPIFFE ID, or `undefined`. */
export async function getNode(q: Queryable, spiffeId: string): Promise<AttestedNode | undefined> {
  const { rows } = await q.query<NodeRow>(`SELECT ${NODE_COLUMNS} FROM attested_nodes WHERE spiffe_id = $1`, [spiffeId]);
  return rows[0] === undefined ? undefined : nodeFromRow(rows[0]);
}

/** Applies `changes` (e.g. a rotated SVID's serial); `NotFoundError` if there is no such node. */
export async function updateNode(q: Queryable, spiffeId: string, changes: AttestedNodeChanges, now: Date): Promise<AttestedNode> {
  const params = new SqlParams();
  const id = params.add(spiffeId);
  const sets = [`updated_at = ${params.add(now)}`];
  for (const [key, column] of Object.entries(CHANGE_COLUMNS)) {
    const value = changes[key as keyof AttestedNodeChanges];
    if (value !== undefined) sets.push(`${column} = ${params.add(value)}`);
  }
  const { rows } = await q.query<NodeRow>(
    `UPDATE attested_nodes SET ${sets.join(', ')} WHERE spiffe_id = ${id} RETURNING ${NODE_COLUMNS}`,
    params.values,
  );
  if (rows[0] === undefined) throw notFound(spiffeId);
  return nodeFromRow(rows[0]);
}

/** Bans a node: clears its certificate serials so its SVIDs are refused. */
export async function banNode(q: Queryable, spiffeId: string, now: Date): Promise<AttestedNode> {
  const { rows } = await q.query<NodeRow>(
    `UPDATE attested_nodes
        SET banned = true, cert_serial = NULL, cert_not_after = NULL, new_cert_serial = NULL, new_cert_not_after = NULL,
            updated_at = $2
      WHERE spiffe_id = $1 RETURNING ${NODE_COLUMNS}`,
    [spiffeId, now],
  );
  if (rows[0] === undefined) throw notFound(spiffeId);
  return nodeFromRow(rows[0]);
}

/** Deletes a node and its selectors, returning the deleted node; it must attest again. */
export async function evictNode(q: Queryable, spiffeId: string): Promise<AttestedNode> {
  const { rows } = await q.query<NodeRow>(`DELETE FROM attested_nodes WHERE spiffe_id = $1 RETURNING ${NODE_COLUMNS}`, [spiffeId]);
  if (rows[0] === undefined) throw notFound(spiffeId);
  return nodeFromRow(rows[0]);
}

/** One page of nodes matching `filter`, ordered by SPIFFE ID. */
export async function listNodes(q: Queryable, filter: NodeFilter = {}, page: PageRequest = {}): Promise<Page<AttestedNode>> {
  const pageSize = resolvePageSize(page.pageSize);
  const after = decodePageToken(PAGE_SCOPE, page.pageToken, 1)?.[0];
  const params = new SqlParams();
  const conditions: string[] = [];
  if (filter.attestationType !== undefined) conditions.push(`n.attestation_type = ${params.add(filter.attestationType)}`);
  if (filter.banned !== undefined) conditions.push(`n.banned = ${params.add(filter.banned)}`);
  if (filter.canReattest !== undefined) conditions.push(`n.can_reattest = ${params.add(filter.canReattest)}`);
  if (filter.certExpiresBefore !== undefined) conditions.push(`n.cert_not_after < ${params.add(filter.certExpiresBefore)}`);
  if (filter.selectors !== undefined) {
    const match = checkSetMatch(filter.selectors.match, 'filter.selectors.match');
    const selectors = normalizeSelectors(filter.selectors.selectors, 'filter.selectors.selectors');
    if (selectors.length === 0) {
      throw new InvalidArgumentError('filter.selectors.selectors: at least one selector is required', {
        field: 'filter.selectors.selectors',
      });
    }
    const target = { table: 'node_selectors', ownerColumn: 'spiffe_id', ownerRef: 'n.spiffe_id', keyColumns: ['type', 'value'] };
    conditions.push(setMatchCondition(params, target, [selectors.map((s) => s.type), selectors.map((s) => s.value)], match));
  }
  if (after !== undefined) conditions.push(`n.spiffe_id > ${params.add(after)}`);
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const { rows } = await q.query<NodeRow>(
    `SELECT ${NODE_COLUMNS} FROM attested_nodes n ${where} ORDER BY n.spiffe_id LIMIT ${params.add(pageSize + 1)}`,
    params.values,
  );
  return toPage(rows.map(nodeFromRow), pageSize, PAGE_SCOPE, (n) => [n.spiffeId]);
}
