/**
 * Migration 0002: requests for the server X.509-SVID of Signet processes that do not hold the CA
 * (a standalone attestation or registrar service). Such a process writes its public key here;
 * a CA process signs it and writes the chain back. Owned by the CA (it completes requests); the
 * requesting services insert and read their own rows. Holding write access to this database is
 * already full control of Signet, so the table adds no new trust.
 *
 * NEVER edit this text once released. Add a new numbered migration instead.
 * @module
 */
import type { Migration } from './migration.js';

const sql = `
CREATE TABLE server_svid_requests (
  id            uuid PRIMARY KEY,
  service       text NOT NULL CONSTRAINT server_svid_requests_service_check CHECK (service ~ '^[a-z][a-z0-9_-]{0,62}$'),
  public_key    bytea NOT NULL CONSTRAINT server_svid_requests_public_key_check CHECK (octet_length(public_key) BETWEEN 32 AND 4096),
  ttl_seconds   integer NOT NULL CONSTRAINT server_svid_requests_ttl_check CHECK (ttl_seconds BETWEEN 60 AND 86400),
  cert_chain    bytea[],
  error         text,
  created_at    timestamptz NOT NULL,
  completed_at  timestamptz
);
CREATE INDEX server_svid_requests_pending ON server_svid_requests (created_at) WHERE completed_at IS NULL;
`;

/** Server SVID requests. */
export const migration0002: Migration = Object.freeze({ version: 2, name: 'server_svid_requests', sql });
