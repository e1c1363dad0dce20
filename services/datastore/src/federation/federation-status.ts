/**
 * The health of each federation relationship's bundle fetching (table `federation_status`,
 * migration 0003): written by the federation service's fetchers, read by the registrar.
 * @module
 */
import type { Queryable } from '../db/types.js';

/** The fetch health of one federated trust domain. */
export interface FederationStatus {
  readonly trustDomain: string;
  readonly lastAttemptAt: Date | undefined;
  readonly lastSuccessAt: Date | undefined;
  /** Why the last attempt failed; undefined when it succeeded. */
  readonly lastError: string | undefined;
  /** spiffe_sequence of the bundle held, when it has one. */
  readonly sequenceNumber: bigint | undefined;
  /** spiffe_refresh_hint of the bundle held, seconds. */
  readonly refreshHintSeconds: number | undefined;
  /** The polling interval the fetcher used after its last success (the hint, bounded), seconds. */
  readonly refreshIntervalSeconds: number | undefined;
  readonly nextRefreshAt: Date | undefined;
  readonly updatedAt: Date;
}

interface Row {
  trust_domain: string;
  last_attempt_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  sequence_number: string | null;
  refresh_hint_s: number | null;
  refresh_interval_s: number | null;
  next_refresh_at: Date | null;
  updated_at: Date;
}

const COLUMNS = 'trust_domain, last_attempt_at, last_success_at, last_error, sequence_number::text AS sequence_number, refresh_hint_s, refresh_interval_s, next_refresh_at, updated_at';

function fromRow(r: Row): FederationStatus {
  const d = (v: Date | null) => (v === null ? undefined : new Date(v));
  return {
    trustDomain: r.trust_domain,
    lastAttemptAt: d(r.last_attempt_at),
    lastSuccessAt: d(r.last_success_at),
    lastError: r.last_error ?? undefined,
    sequenceNumber: r.sequence_number === null ? undefined : BigInt(r.sequence_number),
    refreshHintSeconds: r.refresh_hint_s ?? undefined,
    refreshIntervalSeconds: r.refresh_interval_s ?? undefined,
    nextRefreshAt: d(r.next_refresh_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** Records a successful fetch. */
export async function recordFederationSuccess(
  q: Queryable,
  s: {
    trustDomain: string;
    sequenceNumber: bigint | undefined;
    refreshHintSeconds: number | undefined;
    /** The polling interval now in use, seconds (rounded up to a whole second). */
    refreshIntervalSeconds?: number | undefined;
    nextRefreshAt: Date;
  },
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO federation_status (trust_domain, last_attempt_at, last_success_at, last_error, sequence_number, refresh_hint_s, refresh_interval_s, next_refresh_at, updated_at)
     VALUES ($1, $2, $2, NULL, $3, $4, $6, $5, $2)
     ON CONFLICT (trust_domain) DO UPDATE SET last_attempt_at = $2, last_success_at = $2, last_error = NULL,
       sequence_number = $3, refresh_hint_s = $4, refresh_interval_s = $6, next_refresh_at = $5, updated_at = $2`,
    [
      s.trustDomain,
      now,
      s.sequenceNumber === undefined ? null : s.sequenceNumber.toString(),
      s.refreshHintSeconds ?? null,
      s.nextRefreshAt,
      s.refreshIntervalSeconds === undefined ? null : Math.max(1, Math.ceil(s.refreshIntervalSeconds)),
    ],
  );
}

/** Records a failed fetch (the held bundle and its sequence stay). */
export async function recordFederationFailure(q: Queryable, s: { trustDomain: string; error: string; nextRefreshAt: Date }, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO federation_status (trust_domain, last_attempt_at, last_error, next_refresh_at, updated_at)
     VALUES ($1, $2, $3, $4, $2)
     ON CONFLICT (trust_domain) DO UPDATE SET last_attempt_at = $2, last_error = $3, next_refresh_at = $4, updated_at = $2`,
    [s.trustDomain, now, s.error.slice(0, 2000), s.nextRefreshAt],
  );
}

/** The status of one trust domain. */
export async function getFederationStatus(q: Queryable, trustDomain: string): Promise<FederationStatus | undefined> {
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM federation_status WHERE trust_domain = $1`, [trustDomain]);
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/** The statuses of these trust domains (all when `trustDomains` is undefined). */
export async function listFederationStatuses(q: Queryable, trustDomains?: readonly string[]): Promise<FederationStatus[]> {
  const { rows } =
    trustDomains === undefined
      ? await q.query<Row>(`SELECT ${COLUMNS} FROM federation_status ORDER BY trust_domain`)
      : await q.query<Row>(`SELECT ${COLUMNS} FROM federation_status WHERE trust_domain = ANY($1::text[]) ORDER BY trust_domain`, [[...trustDomains]]);
  return rows.map(fromRow);
}

/** Forgets the status of a trust domain (its relationship was deleted). */
export async function deleteFederationStatus(q: Queryable, trustDomain: string): Promise<void> {
  await q.query('DELETE FROM federation_status WHERE trust_domain = $1', [trustDomain]);
}

/**
 * Takes (or renews) the fetch lease of a trust domain for `owner` until `until`: true when this
 * owner holds it now (it was free, expired, or already this owner's), false when another replica
 * holds it. Creates the status row when missing.
 */
export async function claimFederationLease(q: Queryable, trustDomain: string, owner: string, until: Date, now: Date): Promise<boolean> {
  const { rows } = await q.query<{ lease_owner: string }>(
    `INSERT INTO federation_status (trust_domain, lease_owner, lease_until, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (trust_domain) DO UPDATE SET lease_owner = $2, lease_until = $3, updated_at = $4
       WHERE federation_status.lease_owner IS NULL OR federation_status.lease_owner = $2 OR federation_status.lease_until < $4
     RETURNING lease_owner`,
    [trustDomain, owner, until, now],
  );
  return rows[0]?.lease_owner === owner;
}

/** Gives the lease up (at shutdown), when `owner` holds it. */
export async function releaseFederationLease(q: Queryable, trustDomain: string, owner: string): Promise<void> {
  await q.query('UPDATE federation_status SET lease_owner = NULL, lease_until = NULL WHERE trust_domain = $1 AND lease_owner = $2', [trustDomain, owner]);
}
