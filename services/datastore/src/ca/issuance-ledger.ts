/**
 * The issuance ledger: one row per SVID the ca signed (serial, subject,
 * entry or node, signing authority, validity).
 *
 * Owner: ca. It answers "what is still valid that authority X signed?" when
 * X is tainted, and feeds expiry sweeps. Rows survive the deletion of their
 * entry or node (the reference is cleared); an authority cannot be deleted
 * while rows still refer to it.
 *
 * @example
 * ```ts
 * await recordIssuances(db, [{ serial, kind: 'x509', spiffeId, entryId, nodeId: null, authorityId, issuedAt, expiresAt }]);
 * const affected = await listIssuancesByAuthority(db, taintedId, { unexpiredAt: now });
 * ```
 * @module
 */
import type { Queryable } from '../db/types.js';
import { InvalidArgumentError } from '../errors.js';
import { decodePageToken, mapPage, type Page, type PageRequest, resolvePageSize, toPage } from '../internal/pagination.js';
import type { AuthorityKind } from './authority.js';

/** One issued SVID. */
export interface IssuanceRecord {
  /** Certificate serial (hex) or JWT `jti`. */
  readonly serial: string;
  readonly kind: AuthorityKind;
  /** The SVID's SPIFFE ID. */
  readonly spiffeId: string;
  /**
   * The registration entry it was issued for (workload SVIDs). History, not a reference: kept as
   * written after the entry is deleted.
   */
  readonly entryId: string | null;
  /** The agent it was issued to (agent SVIDs), or that requested it. History, kept after an eviction. */
  readonly nodeId: string | null;
  /** The authority that signed it. */
  readonly authorityId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

interface Row {
  serial: string;
  kind: AuthorityKind;
  spiffe_id: string;
  entry_id: string | null;
  node_id: string | null;
  authority_id: string;
  issued_at: Date;
  expires_at: Date;
  expires_us: number;
}

// expires_us: microseconds since the epoch, exact, for page tokens.
const COLUMNS =
  'serial, kind, spiffe_id, entry_id, node_id, authority_id, issued_at, expires_at, ' +
  "(extract(epoch FROM expires_at) * 1000000)::bigint AS expires_us";

/**
 * Records issued SVIDs (one INSERT for the whole list). The rows travel as one JSON document
 * (serialized natively) rather than as eight array parameters, whose per-element escaping cost
 * the CA more CPU per SVID than a quarter of the signature itself.
 */
export async function recordIssuances(q: Queryable, records: readonly IssuanceRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((r) => ({
    s: r.serial,
    k: r.kind,
    i: r.spiffeId,
    e: r.entryId,
    n: r.nodeId,
    a: r.authorityId,
    t: r.issuedAt.getTime(),
    x: r.expiresAt.getTime(),
  }));
  await q.query(
    `INSERT INTO issuance_ledger (serial, kind, spiffe_id, entry_id, node_id, authority_id, issued_at, expires_at)
     SELECT r.s, r.k, r.i, r.e, r.n, r.a, to_timestamp(r.t / 1000.0), to_timestamp(r.x / 1000.0)
       FROM json_to_recordset($1::json) AS r(s text, k text, i text, e text, n text, a text, t bigint, x bigint)`,
    [JSON.stringify(rows)],
  );
}

/** Records expiring before `before`, soonest first (ordered by expiry, then serial). */
export async function listExpiringIssuances(
  q: Queryable,
  filter: { before: Date },
  page: PageRequest = {},
): Promise<Page<IssuanceRecord>> {
  const scope = 'issuance_ledger.expiring';
  const pageSize = resolvePageSize(page.pageSize);
  const after = decodePageToken(scope, page.pageToken, 2);
  const params: unknown[] = [filter.before, pageSize + 1];
  let keyset = '';
  if (after !== undefined) {
    if (!/^-?\d{1,18}$/.test(after[0] ?? '')) {
      throw new InvalidArgumentError('pageToken: malformed, or issued by a different listing', { field: 'pageToken' });
    }
    params.push(after[0], after[1]);
    keyset = `AND (expires_at, serial) > (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4)`;
  }
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM issuance_ledger WHERE expires_at < $1 ${keyset} ORDER BY expires_at, serial LIMIT $2`,
    params,
  );
  return mapPage(toPage(rows, pageSize, scope, (r) => [String(r.expires_us), r.serial]), fromRow);
}

/** Records signed by `authorityId` (optionally only those still valid at `unexpiredAt`), by serial. */
export async function listIssuancesByAuthority(
  q: Queryable,
  authorityId: string,
  filter: { unexpiredAt?: Date | undefined } = {},
  page: PageRequest = {},
): Promise<Page<IssuanceRecord>> {
  const scope = 'issuance_ledger.authority';
  const pageSize = resolvePageSize(page.pageSize);
  const after = decodePageToken(scope, page.pageToken, 1)?.[0];
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM issuance_ledger
      WHERE authority_id = $1 AND ($2::timestamptz IS NULL OR expires_at > $2) AND ($3::text IS NULL OR serial > $3)
      ORDER BY serial LIMIT $4`,
    [authorityId, filter.unexpiredAt ?? null, after ?? null, pageSize + 1],
  );
  return mapPage(toPage(rows, pageSize, scope, (r) => [r.serial]), fromRow);
}

/** Deletes records that expired before `before`; returns how many. */
export async function pruneIssuances(q: Queryable, before: Date): Promise<number> {
  const { rowCount } = await q.query('DELETE FROM issuance_ledger WHERE expires_at < $1', [before]);
  return rowCount;
}

function fromRow(row: Row): IssuanceRecord {
  return {
    serial: row.serial,
    kind: row.kind,
    spiffeId: row.spiffe_id,
    entryId: row.entry_id,
    nodeId: row.node_id,
    authorityId: row.authority_id,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
  };
}
