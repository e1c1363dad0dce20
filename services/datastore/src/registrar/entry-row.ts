/**
 * How registration entries are read: one statement returns each entry with
 * its selectors, DNS names and trust domains aggregated as JSON, so a page of
 * entries is one round trip and one consistent snapshot.
 * @module
 */
import type { RegistrationEntry } from './entry.js';

/** Select list over `registration_entries e` producing an {@link EntryRow}. */
export const ENTRY_COLUMNS = `
  e.id, e.spiffe_id, e.parent_id, e.x509_svid_ttl, e.jwt_svid_ttl, e.admin, e.downstream, e.hint,
  e.expires_at, e.revision, e.created_at, e.updated_at,
  COALESCE((SELECT jsonb_agg(jsonb_build_array(s.type, s.value) ORDER BY s.type, s.value)
              FROM registration_entry_selectors s WHERE s.entry_id = e.id), '[]'::jsonb) AS selectors,
  COALESCE((SELECT jsonb_agg(d.dns_name ORDER BY d.position)
              FROM registration_entry_dns_names d WHERE d.entry_id = e.id), '[]'::jsonb) AS dns_names,
  COALESCE((SELECT jsonb_agg(f.trust_domain ORDER BY f.trust_domain)
              FROM registration_entry_federates_with f WHERE f.entry_id = e.id), '[]'::jsonb) AS federates_with`;

/** A row as selected with {@link ENTRY_COLUMNS}. */
export interface EntryRow {
  id: string;
  spiffe_id: string;
  parent_id: string;
  x509_svid_ttl: number;
  jwt_svid_ttl: number;
  admin: boolean;
  downstream: boolean;
  hint: string | null;
  expires_at: Date | null;
  revision: number;
  created_at: Date;
  updated_at: Date;
  selectors: [string, string][];
  dns_names: string[];
  federates_with: string[];
}

/** Maps a selected row to the domain type. */
export function entryFromRow(row: EntryRow): RegistrationEntry {
  return {
    id: row.id,
    spiffeId: row.spiffe_id,
    parentId: row.parent_id,
    selectors: row.selectors.map(([type, value]) => ({ type, value })),
    dnsNames: row.dns_names,
    federatesWith: row.federates_with,
    x509SvidTtl: row.x509_svid_ttl,
    jwtSvidTtl: row.jwt_svid_ttl,
    admin: row.admin,
    downstream: row.downstream,
    hint: row.hint,
    expiresAt: row.expires_at,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
