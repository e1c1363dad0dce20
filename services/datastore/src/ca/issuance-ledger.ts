/**
 * The issuance ledger: one row per SVID the ca signed (serial, subject,
 * entry or node, signing authority, validity).
 *
 * Owner: ca. It answers "what is still valid that authority X signed?" when
 * X is tainted, and feeds expiry sweeps. The entry, node and authority of a
 * row are history, not references (migrations 0006 and 0007): rows survive
 * the deletion of their entry or node unchanged.
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
import { bigintArrayLiteral, textArrayLiteral } from '../internal/array-literal.js';
import { SqlParams } from '../internal/sql-params.js';
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
 * Records issued SVIDs in one INSERT and returns how many rows it wrote: the rows of an authority
 * that `ca_authorities` does not hold are skipped (the ledger records what a journaled authority
 * signed; migration 0007). Each column travels as one array literal that the statement unnests,
 * which costs the caller and the database less per row than a JSON document or one parameter per
 * value. A serial already recorded refuses the whole batch (`AlreadyExistsError`).
 */
export async function recordIssuances(q: Queryable, records: readonly IssuanceRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const texts = (f: (r: IssuanceRecord) => string | null): string => textArrayLiteral(records.map(f));
  const { rowCount } = await q.query(
    `INSERT INTO issuance_ledger (serial, kind, spiffe_id, entry_id, node_id, authority_id, issued_at, expires_at)
     SELECT r.s, r.k, r.i, r.e, r.n, r.a, timestamptz 'epoch' + r.t * interval '1 millisecond', timestamptz 'epoch' + r.x * interval '1 millisecond'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[]) AS r(s, k, i, e, n, a, t, x)
      WHERE r.a IN (SELECT id FROM ca_authorities)`,
    [
      texts((r) => r.serial),
      texts((r) => r.kind),
      texts((r) => r.spiffeId),
      texts((r) => r.entryId),
      texts((r) => r.nodeId),
      texts((r) => r.authorityId),
      datesLiteral(records.map((r) => r.issuedAt), 'issuedAt'),
      datesLiteral(records.map((r) => r.expiresAt), 'expiresAt'),
    ],
  );
  return rowCount;
}

/** Records expiring before `before`, soonest first (ordered by expiry, then serial). */
export function listExpiringIssuances(q: Queryable, filter: { before: Date }, page: PageRequest = {}): Promise<Page<IssuanceRecord>> {
  return pageByExpiry(q, 'issuance_ledger.expiring', page, (p) => `expires_at < ${p.add(filter.before)}`);
}

/**
 * Records signed by `authorityId` (optionally only those still valid at `unexpiredAt`), by expiry
 * then serial. It walks the expiry index and keeps the authority's rows (the ledger has no index by
 * authority, migration 0007): cheap for what a taint asks, the SVIDs still valid, which are the
 * index's newest part.
 */
export function listIssuancesByAuthority(
  q: Queryable,
  authorityId: string,
  filter: { unexpiredAt?: Date | undefined } = {},
  page: PageRequest = {},
): Promise<Page<IssuanceRecord>> {
  return pageByExpiry(q, 'issuance_ledger.authority', page, (p) => {
    const byAuthority = `authority_id = ${p.add(authorityId)}`;
    return filter.unexpiredAt === undefined ? byAuthority : `${byAuthority} AND expires_at > ${p.add(filter.unexpiredAt)}`;
  });
}

/** Deletes records that expired before `before`; returns how many. */
export async function pruneIssuances(q: Queryable, before: Date): Promise<number> {
  const { rowCount } = await q.query('DELETE FROM issuance_ledger WHERE expires_at < $1', [before]);
  return rowCount;
}

/**
 * One page of the records matching `where` (which adds its parameters to `p`), ordered by expiry
 * then serial, after the page token's key (`[expires_us, serial]`).
 */
async function pageByExpiry(q: Queryable, scope: string, page: PageRequest, where: (p: SqlParams) => string): Promise<Page<IssuanceRecord>> {
  const pageSize = resolvePageSize(page.pageSize);
  const after = decodePageToken(scope, page.pageToken, 2);
  const p = new SqlParams();
  let conditions = where(p);
  if (after !== undefined) {
    if (!/^-?\d{1,18}$/.test(after[0] ?? '')) {
      throw new InvalidArgumentError('pageToken: malformed, or issued by a different listing', { field: 'pageToken' });
    }
    conditions += ` AND (expires_at, serial) > (timestamptz 'epoch' + ${p.add(after[0])}::bigint * interval '1 microsecond', ${p.add(after[1])})`;
  }
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM issuance_ledger WHERE ${conditions} ORDER BY expires_at, serial LIMIT ${p.add(pageSize + 1)}`,
    p.values,
  );
  return mapPage(toPage(rows, pageSize, scope, (r) => [String(r.expires_us), r.serial]), fromRow);
}

/** The `bigint[]` literal of `dates` in epoch milliseconds; an invalid date is an `InvalidArgumentError` naming `field`. */
function datesLiteral(dates: readonly Date[], field: string): string {
  try {
    return bigintArrayLiteral(dates.map((d) => d.getTime()), field);
  } catch {
    throw new InvalidArgumentError(`${field}: must be a valid date`, { field });
  }
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
