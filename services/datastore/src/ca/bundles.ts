/**
 * Trust bundles: our own trust domain's (source `local`, written by the ca),
 * those fetched from federated trust domains (source `federated`, written by
 * the federation service) and those set by an operator (`manual`).
 *
 * Every write increments `sequence`, which the ca can publish as the SPIFFE
 * bundle's `spiffe_sequence`. `expectedSequence` makes a write conditional
 * (compare-and-swap), so two replicas rotating at once cannot overwrite each
 * other's bundle.
 *
 * @example
 * ```ts
 * const current = await getBundle(db, 'example.org');
 * await putBundle(db, { trustDomain: 'example.org', document, source: 'local' }, now,
 *   { expectedSequence: current?.sequence ?? 0 });
 * ```
 * @module
 */
import type { Queryable } from '../db/types.js';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { JsonObject } from '../internal/json.js';

/** Where a bundle came from. */
export type BundleSource = 'local' | 'federated' | 'manual';

/** A stored bundle. */
export interface StoredBundle {
  /** The trust domain the bundle belongs to (primary key). */
  readonly trustDomain: string;
  /** The SPIFFE bundle document (a JWK Set with `spiffe_*` members). */
  readonly document: JsonObject;
  readonly source: BundleSource;
  /** 1 on creation, +1 on every write. */
  readonly sequence: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What {@link putBundle} writes. */
export interface BundleInput {
  trustDomain: string;
  document: JsonObject;
  source: BundleSource;
}

/** Options of {@link putBundle}. */
export interface PutBundleOptions {
  /**
   * Write only if the stored sequence is this value (0: only if there is no
   * bundle yet); otherwise `ConflictError`. Absent: write unconditionally.
   */
  expectedSequence?: number | undefined;
}

interface Row {
  trust_domain: string;
  document: JsonObject;
  source: BundleSource;
  sequence: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'trust_domain, document, source, sequence, created_at, updated_at';

/** Creates or replaces a trust domain's bundle; returns it with its new sequence. */
export async function putBundle(q: Queryable, input: BundleInput, now: Date, options: PutBundleOptions = {}): Promise<StoredBundle> {
  const document = JSON.stringify(input.document);
  const { expectedSequence } = options;
  if (expectedSequence !== undefined && (!Number.isSafeInteger(expectedSequence) || expectedSequence < 0)) {
    throw new InvalidArgumentError('expectedSequence: must be an integer >= 0', { field: 'expectedSequence' });
  }
  let rows: Row[];
  if (expectedSequence === undefined) {
    ({ rows } = await q.query<Row>(
      `INSERT INTO bundles (trust_domain, document, source, sequence, created_at, updated_at)
       VALUES ($1, $2::jsonb, $3, 1, $4, $4)
       ON CONFLICT (trust_domain) DO UPDATE
         SET document = excluded.document, source = excluded.source,
             sequence = bundles.sequence + 1, updated_at = excluded.updated_at
       RETURNING ${COLUMNS}`,
      [input.trustDomain, document, input.source, now],
    ));
  } else if (expectedSequence === 0) {
    ({ rows } = await q.query<Row>(
      `INSERT INTO bundles (trust_domain, document, source, sequence, created_at, updated_at)
       VALUES ($1, $2::jsonb, $3, 1, $4, $4)
       ON CONFLICT (trust_domain) DO NOTHING RETURNING ${COLUMNS}`,
      [input.trustDomain, document, input.source, now],
    ));
  } else {
    ({ rows } = await q.query<Row>(
      `UPDATE bundles SET document = $2::jsonb, source = $3, sequence = sequence + 1, updated_at = $4
        WHERE trust_domain = $1 AND sequence = $5 RETURNING ${COLUMNS}`,
      [input.trustDomain, document, input.source, now, expectedSequence],
    ));
  }
  if (rows[0] !== undefined) return fromRow(rows[0]);
  const current = await getBundle(q, input.trustDomain);
  throw new ConflictError(
    `bundles.sequence: bundle of ${JSON.stringify(input.trustDomain)} is at sequence ${current?.sequence ?? 0}, not ${String(expectedSequence)}`,
    { field: 'bundles.sequence' },
  );
}

/** The bundle of `trustDomain`, or `undefined`. */
export async function getBundle(q: Queryable, trustDomain: string): Promise<StoredBundle | undefined> {
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM bundles WHERE trust_domain = $1`, [trustDomain]);
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/** All bundles (optionally of one source), ordered by trust domain. */
export async function listBundles(q: Queryable, filter: { source?: BundleSource | undefined } = {}): Promise<StoredBundle[]> {
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM bundles WHERE $1::text IS NULL OR source = $1 ORDER BY trust_domain`,
    [filter.source ?? null],
  );
  return rows.map(fromRow);
}

/** Deletes a bundle and returns it; `NotFoundError` if there is none. */
export async function deleteBundle(q: Queryable, trustDomain: string): Promise<StoredBundle> {
  const { rows } = await q.query<Row>(`DELETE FROM bundles WHERE trust_domain = $1 RETURNING ${COLUMNS}`, [trustDomain]);
  if (rows[0] === undefined) {
    throw new NotFoundError(`bundles.trust_domain: no bundle for ${JSON.stringify(trustDomain)}`, { field: 'bundles.trust_domain' });
  }
  return fromRow(rows[0]);
}

function fromRow(row: Row): StoredBundle {
  return {
    trustDomain: row.trust_domain,
    document: row.document,
    source: row.source,
    sequence: row.sequence,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
