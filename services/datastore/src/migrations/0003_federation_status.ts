/**
 * Migration 0003: the health of each federation relationship's bundle fetching (owned by the
 * federation service, read by the registrar for `signet federation show`). One replica at a
 * time fetches each relationship: it holds a lease (owner, until) on the row while it does.
 *
 * NEVER edit this text once released. Add a new numbered migration instead.
 * @module
 */
import type { Migration } from './migration.js';

const sql = `
CREATE TABLE federation_status (
  trust_domain     text COLLATE "C" NOT NULL,
  last_attempt_at  timestamptz,
  last_success_at  timestamptz,
  last_error       text,
  sequence_number  numeric(20, 0),
  refresh_hint_s   integer,
  next_refresh_at  timestamptz,
  lease_owner      text,
  lease_until      timestamptz,
  updated_at       timestamptz NOT NULL,
  CONSTRAINT federation_status_pkey PRIMARY KEY (trust_domain),
  CONSTRAINT federation_status_trust_domain_check CHECK (is_trust_domain(trust_domain))
);
`;

/** Federation fetch health. */
export const migration0003: Migration = Object.freeze({ version: 3, name: 'federation_status', sql });
