/**
 * Federation relationships: which foreign trust domains we fetch bundles
 * from, and how (bundle endpoint URL and profile).
 *
 * Written by the registrar (admin API), read by the federation service, which
 * fetches each relationship's bundle and stores it with `putBundle`.
 *
 * @example
 * ```ts
 * await createFederationRelationship(db, {
 *   trustDomain: 'partner.example',
 *   bundleEndpointUrl: 'https://partner.example/bundle',
 *   bundleEndpointProfile: 'https_spiffe',
 *   endpointSpiffeId: 'spiffe://partner.example/bundle-server',
 * }, now);
 * ```
 * @module
 */
import type { Queryable } from '../db/types.js';
import { NotFoundError } from '../errors.js';
import { decodePageToken, type Page, type PageRequest, resolvePageSize, toPage } from '../internal/pagination.js';

/** How the bundle endpoint authenticates itself (SPIFFE Federation §5). */
export type BundleEndpointProfile = 'https_web' | 'https_spiffe';

/** A stored federation relationship. */
export interface FederationRelationship {
  /** The foreign trust domain (primary key). */
  readonly trustDomain: string;
  /** Where its bundle is fetched (https). */
  readonly bundleEndpointUrl: string;
  /** Web PKI or SPIFFE authentication of the endpoint. */
  readonly bundleEndpointProfile: BundleEndpointProfile;
  /** The endpoint's SPIFFE ID; set exactly when the profile is `https_spiffe`. */
  readonly endpointSpiffeId: string | null;
  /** Every workload trusts this domain, whatever its entry's federatesWith says. */
  readonly trustedByAll: boolean;
  /** When it was created. */
  readonly createdAt: Date;
  /** When it was last changed. */
  readonly updatedAt: Date;
}

/** Fields of a new relationship. */
export interface NewFederationRelationship {
  trustDomain: string;
  bundleEndpointUrl: string;
  bundleEndpointProfile: BundleEndpointProfile;
  endpointSpiffeId?: string | null | undefined;
  trustedByAll?: boolean | undefined;
}

/** Fields an update may change; absent fields keep their value. */
export type FederationRelationshipChanges = Partial<Omit<NewFederationRelationship, 'trustDomain'>>;

interface Row {
  trust_domain: string;
  bundle_endpoint_url: string;
  bundle_endpoint_profile: BundleEndpointProfile;
  endpoint_spiffe_id: string | null;
  trusted_by_all: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'trust_domain, bundle_endpoint_url, bundle_endpoint_profile, endpoint_spiffe_id, trusted_by_all, created_at, updated_at';
const PAGE_SCOPE = 'federation_relationships';

/** Creates a relationship; `AlreadyExistsError` if one exists for the trust domain. */
export async function createFederationRelationship(
  q: Queryable,
  input: NewFederationRelationship,
  now: Date,
): Promise<FederationRelationship> {
  const { rows } = await q.query<Row>(
    `INSERT INTO federation_relationships
       (trust_domain, bundle_endpoint_url, bundle_endpoint_profile, endpoint_spiffe_id, trusted_by_all, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${COLUMNS}`,
    [input.trustDomain, input.bundleEndpointUrl, input.bundleEndpointProfile, input.endpointSpiffeId ?? null, input.trustedByAll ?? false, now],
  );
  return fromRow(rows[0] as Row);
}

/** The relationship with `trustDomain`, or `undefined`. */
export async function getFederationRelationship(q: Queryable, trustDomain: string): Promise<FederationRelationship | undefined> {
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM federation_relationships WHERE trust_domain = $1`, [trustDomain]);
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/** The trust domains whose relationship is trusted by every workload (`trusted_by_all`), in order. */
export async function listTrustedByAllTrustDomains(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ trust_domain: string }>('SELECT trust_domain FROM federation_relationships WHERE trusted_by_all ORDER BY trust_domain');
  return rows.map((r) => r.trust_domain);
}

/** One page of relationships, ordered by trust domain. */
export async function listFederationRelationships(q: Queryable, page: PageRequest = {}): Promise<Page<FederationRelationship>> {
  const pageSize = resolvePageSize(page.pageSize);
  const after = decodePageToken(PAGE_SCOPE, page.pageToken, 1)?.[0];
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM federation_relationships
      WHERE $1::text IS NULL OR trust_domain > $1 ORDER BY trust_domain LIMIT $2`,
    [after ?? null, pageSize + 1],
  );
  return toPage(rows.map(fromRow), pageSize, PAGE_SCOPE, (r) => [r.trustDomain]);
}

/** Changes a relationship; `NotFoundError` if there is none for the trust domain. */
export async function updateFederationRelationship(
  q: Queryable,
  trustDomain: string,
  changes: FederationRelationshipChanges,
  now: Date,
): Promise<FederationRelationship> {
  const { rows } = await q.query<Row>(
    `UPDATE federation_relationships
        SET bundle_endpoint_url = COALESCE($2, bundle_endpoint_url),
            bundle_endpoint_profile = COALESCE($3, bundle_endpoint_profile),
            endpoint_spiffe_id = CASE WHEN $4::boolean THEN $5 ELSE endpoint_spiffe_id END,
            trusted_by_all = COALESCE($6, trusted_by_all),
            updated_at = $7
      WHERE trust_domain = $1 RETURNING ${COLUMNS}`,
    [
      trustDomain,
      changes.bundleEndpointUrl ?? null,
      changes.bundleEndpointProfile ?? null,
      changes.endpointSpiffeId !== undefined,
      changes.endpointSpiffeId ?? null,
      changes.trustedByAll ?? null,
      now,
    ],
  );
  if (rows[0] === undefined) throw notFound(trustDomain);
  return fromRow(rows[0]);
}

/** Deletes a relationship and returns it; `NotFoundError` if there is none. */
export async function deleteFederationRelationship(q: Queryable, trustDomain: string): Promise<FederationRelationship> {
  const { rows } = await q.query<Row>(`DELETE FROM federation_relationships WHERE trust_domain = $1 RETURNING ${COLUMNS}`, [trustDomain]);
  if (rows[0] === undefined) throw notFound(trustDomain);
  return fromRow(rows[0]);
}

function notFound(trustDomain: string): NotFoundError {
  return new NotFoundError(`federation_relationships.trust_domain: no relationship with ${JSON.stringify(trustDomain)}`, {
    field: 'federation_relationships.trust_domain',
  });
}

function fromRow(row: Row): FederationRelationship {
  return {
    trustDomain: row.trust_domain,
    bundleEndpointUrl: row.bundle_endpoint_url,
    bundleEndpointProfile: row.bundle_endpoint_profile,
    endpointSpiffeId: row.endpoint_spiffe_id,
    trustedByAll: row.trusted_by_all,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
