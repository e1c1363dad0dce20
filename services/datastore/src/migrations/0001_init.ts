/**
 * Migration 0001: the initial schema of every service's state.
 *
 * Ownership (only the owner writes; others may read):
 * - registrar: registration_entries (+ selectors, dns names, federates_with),
 *   join_tokens, federation_relationships
 * - attestation: attested_nodes, node_selectors
 * - ca: ca_authorities, bundles, issuance_ledger
 * - events (written by every owner, inside its own transactions): change_events,
 *   change_events_retention
 *
 * Text keys that are paginated or sorted use COLLATE "C" so the order is the
 * byte order of their UTF-8 encoding on every server, whatever its locale.
 * Constraint names are stable: `translateDbError` maps them to messages that
 * name the field and the rule.
 *
 * NEVER edit this text once released: the checksum of an applied migration is
 * verified at every start. Add a new numbered migration instead.
 * @module
 */
import type { Migration } from './migration.js';

const sql = `
-- Shared value checks ----------------------------------------------------------

CREATE FUNCTION is_spiffe_id(v text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $fn$ SELECT octet_length(v) <= 2048
             AND v ~ '^spiffe://[a-z0-9._-]+(/[A-Za-z0-9._-]+)*$'
             AND v !~ '/\\.\\.?(/|$)' $fn$;

CREATE FUNCTION is_trust_domain(v text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $fn$ SELECT v ~ '^[a-z0-9._-]{1,255}$' $fn$;

CREATE FUNCTION is_record_id(v text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $fn$ SELECT v ~ '^[!-~]{1,255}$' $fn$;

-- registrar ---------------------------------------------------------------------

CREATE TABLE registration_entries (
  id             text COLLATE "C" NOT NULL,
  spiffe_id      text COLLATE "C" NOT NULL,
  parent_id      text COLLATE "C" NOT NULL,
  selectors_hash text NOT NULL,
  selector_count integer NOT NULL,
  x509_svid_ttl  integer NOT NULL DEFAULT 0,
  jwt_svid_ttl   integer NOT NULL DEFAULT 0,
  admin          boolean NOT NULL DEFAULT false,
  downstream     boolean NOT NULL DEFAULT false,
  hint           text,
  expires_at     timestamptz,
  revision       bigint NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  CONSTRAINT registration_entries_pkey PRIMARY KEY (id),
  CONSTRAINT registration_entries_identity_key UNIQUE (spiffe_id, parent_id, selectors_hash),
  CONSTRAINT registration_entries_id_check CHECK (is_record_id(id)),
  CONSTRAINT registration_entries_spiffe_id_check CHECK (is_spiffe_id(spiffe_id)),
  CONSTRAINT registration_entries_parent_id_check CHECK (is_spiffe_id(parent_id)),
  CONSTRAINT registration_entries_selectors_hash_check CHECK (selectors_hash ~ '^[0-9a-f]{64}$'),
  CONSTRAINT registration_entries_selector_count_check CHECK (selector_count >= 1),
  CONSTRAINT registration_entries_x509_svid_ttl_check CHECK (x509_svid_ttl >= 0),
  CONSTRAINT registration_entries_jwt_svid_ttl_check CHECK (jwt_svid_ttl >= 0),
  CONSTRAINT registration_entries_hint_check CHECK (char_length(hint) BETWEEN 1 AND 1024),
  CONSTRAINT registration_entries_revision_check CHECK (revision >= 1)
);
-- spiffe_id lookups use the leading column of registration_entries_identity_key.
CREATE INDEX registration_entries_parent_id_idx ON registration_entries (parent_id);
CREATE INDEX registration_entries_hint_idx ON registration_entries (hint) WHERE hint IS NOT NULL;
CREATE INDEX registration_entries_expires_at_idx ON registration_entries (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE registration_entry_selectors (
  entry_id text COLLATE "C" NOT NULL,
  type     text COLLATE "C" NOT NULL,
  value    text COLLATE "C" NOT NULL,
  CONSTRAINT registration_entry_selectors_pkey PRIMARY KEY (entry_id, type, value),
  CONSTRAINT registration_entry_selectors_entry_id_fkey FOREIGN KEY (entry_id)
    REFERENCES registration_entries (id) ON DELETE CASCADE,
  CONSTRAINT registration_entry_selectors_type_check CHECK (type ~ '^[^:[:space:]]{1,128}$'),
  CONSTRAINT registration_entry_selectors_value_check CHECK (char_length(value) BETWEEN 1 AND 2048)
);
CREATE INDEX registration_entry_selectors_type_value_idx ON registration_entry_selectors (type, value);

CREATE TABLE registration_entry_dns_names (
  entry_id text COLLATE "C" NOT NULL,
  position smallint NOT NULL,
  dns_name text NOT NULL,
  CONSTRAINT registration_entry_dns_names_pkey PRIMARY KEY (entry_id, position),
  CONSTRAINT registration_entry_dns_names_name_key UNIQUE (entry_id, dns_name),
  CONSTRAINT registration_entry_dns_names_entry_id_fkey FOREIGN KEY (entry_id)
    REFERENCES registration_entries (id) ON DELETE CASCADE,
  CONSTRAINT registration_entry_dns_names_position_check CHECK (position >= 0),
  CONSTRAINT registration_entry_dns_names_dns_name_check
    CHECK (dns_name ~ '^(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$'
           AND char_length(dns_name) <= 253)
);

CREATE TABLE registration_entry_federates_with (
  entry_id     text COLLATE "C" NOT NULL,
  trust_domain text COLLATE "C" NOT NULL,
  CONSTRAINT registration_entry_federates_with_pkey PRIMARY KEY (entry_id, trust_domain),
  CONSTRAINT registration_entry_federates_with_entry_id_fkey FOREIGN KEY (entry_id)
    REFERENCES registration_entries (id) ON DELETE CASCADE,
  CONSTRAINT registration_entry_federates_with_trust_domain_check CHECK (is_trust_domain(trust_domain))
);
CREATE INDEX registration_entry_federates_with_trust_domain_idx ON registration_entry_federates_with (trust_domain);

CREATE TABLE join_tokens (
  token_hash      text NOT NULL,
  agent_spiffe_id text COLLATE "C",
  expires_at      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL,
  used_at         timestamptz,
  CONSTRAINT join_tokens_pkey PRIMARY KEY (token_hash),
  CONSTRAINT join_tokens_token_hash_check CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  CONSTRAINT join_tokens_agent_spiffe_id_check CHECK (is_spiffe_id(agent_spiffe_id))
);
CREATE INDEX join_tokens_expires_at_idx ON join_tokens (expires_at);

CREATE TABLE federation_relationships (
  trust_domain            text COLLATE "C" NOT NULL,
  bundle_endpoint_url     text NOT NULL,
  bundle_endpoint_profile text NOT NULL,
  endpoint_spiffe_id      text COLLATE "C",
  trusted_by_all          boolean NOT NULL DEFAULT false,
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL,
  CONSTRAINT federation_relationships_pkey PRIMARY KEY (trust_domain),
  CONSTRAINT federation_relationships_trust_domain_check CHECK (is_trust_domain(trust_domain)),
  CONSTRAINT federation_relationships_bundle_endpoint_url_check
    CHECK (bundle_endpoint_url ~ '^https://[^[:space:]/?#]+[^[:space:]]*$' AND char_length(bundle_endpoint_url) <= 2048),
  CONSTRAINT federation_relationships_profile_check
    CHECK (bundle_endpoint_profile IN ('https_web', 'https_spiffe')),
  CONSTRAINT federation_relationships_endpoint_spiffe_id_check
    CHECK ((bundle_endpoint_profile = 'https_spiffe') = (endpoint_spiffe_id IS NOT NULL)
           AND is_spiffe_id(endpoint_spiffe_id) IS NOT FALSE)
);

-- attestation -------------------------------------------------------------------

CREATE TABLE attested_nodes (
  spiffe_id          text COLLATE "C" NOT NULL,
  attestation_type   text NOT NULL,
  cert_serial        text,
  cert_not_after     timestamptz,
  new_cert_serial    text,
  new_cert_not_after timestamptz,
  banned             boolean NOT NULL DEFAULT false,
  can_reattest       boolean NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  CONSTRAINT attested_nodes_pkey PRIMARY KEY (spiffe_id),
  CONSTRAINT attested_nodes_spiffe_id_check CHECK (is_spiffe_id(spiffe_id)),
  CONSTRAINT attested_nodes_attestation_type_check CHECK (attestation_type ~ '^[A-Za-z0-9._-]{1,128}$'),
  CONSTRAINT attested_nodes_cert_check
    CHECK ((cert_serial IS NULL) = (cert_not_after IS NULL) AND (cert_serial IS NULL OR cert_serial ~ '^[0-9a-f]{1,64}$')),
  CONSTRAINT attested_nodes_new_cert_check
    CHECK ((new_cert_serial IS NULL) = (new_cert_not_after IS NULL) AND (new_cert_serial IS NULL OR new_cert_serial ~ '^[0-9a-f]{1,64}$')),
  CONSTRAINT attested_nodes_banned_check CHECK (NOT banned OR (cert_serial IS NULL AND new_cert_serial IS NULL))
);
CREATE INDEX attested_nodes_cert_not_after_idx ON attested_nodes (cert_not_after);
CREATE INDEX attested_nodes_attestation_type_idx ON attested_nodes (attestation_type);

CREATE TABLE node_selectors (
  spiffe_id text COLLATE "C" NOT NULL,
  type      text COLLATE "C" NOT NULL,
  value     text COLLATE "C" NOT NULL,
  CONSTRAINT node_selectors_pkey PRIMARY KEY (spiffe_id, type, value),
  CONSTRAINT node_selectors_spiffe_id_fkey FOREIGN KEY (spiffe_id)
    REFERENCES attested_nodes (spiffe_id) ON DELETE CASCADE,
  CONSTRAINT node_selectors_type_check CHECK (type ~ '^[^:[:space:]]{1,128}$'),
  CONSTRAINT node_selectors_value_check CHECK (char_length(value) BETWEEN 1 AND 2048)
);
CREATE INDEX node_selectors_type_value_idx ON node_selectors (type, value);

-- ca ----------------------------------------------------------------------------

CREATE TABLE ca_authorities (
  id             text COLLATE "C" NOT NULL,
  kind           text NOT NULL,
  state          text NOT NULL,
  public_key     bytea NOT NULL,
  certificate    bytea,
  key_id         text COLLATE "C" NOT NULL,
  upstream_chain bytea[] NOT NULL DEFAULT '{}',
  key_ref        text NOT NULL,
  not_before     timestamptz NOT NULL,
  not_after      timestamptz NOT NULL,
  created_at     timestamptz NOT NULL,
  activated_at   timestamptz,
  deactivated_at timestamptz,
  tainted_at     timestamptz,
  revoked_at     timestamptz,
  updated_at     timestamptz NOT NULL,
  CONSTRAINT ca_authorities_pkey PRIMARY KEY (id),
  CONSTRAINT ca_authorities_key_id_key UNIQUE (kind, key_id),
  CONSTRAINT ca_authorities_id_check CHECK (is_record_id(id)),
  CONSTRAINT ca_authorities_kind_check CHECK (kind IN ('x509', 'jwt')),
  CONSTRAINT ca_authorities_state_check CHECK (state IN ('prepared', 'active', 'old', 'tainted', 'revoked')),
  CONSTRAINT ca_authorities_public_key_check CHECK (octet_length(public_key) > 0),
  CONSTRAINT ca_authorities_certificate_check
    CHECK ((kind = 'x509') = (certificate IS NOT NULL) AND octet_length(certificate) IS DISTINCT FROM 0),
  CONSTRAINT ca_authorities_key_id_check CHECK (char_length(key_id) BETWEEN 1 AND 255),
  CONSTRAINT ca_authorities_key_ref_check CHECK (char_length(key_ref) BETWEEN 1 AND 1024),
  CONSTRAINT ca_authorities_validity_check CHECK (not_after > not_before),
  CONSTRAINT ca_authorities_transitions_check CHECK (CASE state
    WHEN 'prepared' THEN activated_at IS NULL AND deactivated_at IS NULL AND tainted_at IS NULL AND revoked_at IS NULL
    WHEN 'active'   THEN activated_at IS NOT NULL AND deactivated_at IS NULL AND tainted_at IS NULL AND revoked_at IS NULL
    WHEN 'old'      THEN activated_at IS NOT NULL AND deactivated_at IS NOT NULL AND tainted_at IS NULL AND revoked_at IS NULL
    WHEN 'tainted'  THEN activated_at IS NOT NULL AND deactivated_at IS NOT NULL AND tainted_at IS NOT NULL AND revoked_at IS NULL
    WHEN 'revoked'  THEN activated_at IS NOT NULL AND deactivated_at IS NOT NULL AND tainted_at IS NOT NULL AND revoked_at IS NOT NULL
  END)
);
-- At most one prepared and one active authority of each kind: the rotation slots.
CREATE UNIQUE INDEX ca_authorities_one_active_idx ON ca_authorities (kind) WHERE state = 'active';
CREATE UNIQUE INDEX ca_authorities_one_prepared_idx ON ca_authorities (kind) WHERE state = 'prepared';
CREATE INDEX ca_authorities_kind_state_idx ON ca_authorities (kind, state);

CREATE TABLE bundles (
  trust_domain text COLLATE "C" NOT NULL,
  document     jsonb NOT NULL,
  source       text NOT NULL,
  sequence     bigint NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  CONSTRAINT bundles_pkey PRIMARY KEY (trust_domain),
  CONSTRAINT bundles_trust_domain_check CHECK (is_trust_domain(trust_domain)),
  CONSTRAINT bundles_document_check CHECK (jsonb_typeof(document) = 'object'),
  CONSTRAINT bundles_source_check CHECK (source IN ('local', 'federated', 'manual')),
  CONSTRAINT bundles_sequence_check CHECK (sequence >= 1)
);
-- Exactly one trust domain is ours.
CREATE UNIQUE INDEX bundles_one_local_idx ON bundles (source) WHERE source = 'local';

CREATE TABLE issuance_ledger (
  serial       text COLLATE "C" NOT NULL,
  kind         text NOT NULL,
  spiffe_id    text COLLATE "C" NOT NULL,
  entry_id     text COLLATE "C",
  node_id      text COLLATE "C",
  authority_id text COLLATE "C" NOT NULL,
  issued_at    timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  CONSTRAINT issuance_ledger_pkey PRIMARY KEY (serial),
  CONSTRAINT issuance_ledger_entry_id_fkey FOREIGN KEY (entry_id)
    REFERENCES registration_entries (id) ON DELETE SET NULL,
  CONSTRAINT issuance_ledger_node_id_fkey FOREIGN KEY (node_id)
    REFERENCES attested_nodes (spiffe_id) ON DELETE SET NULL,
  CONSTRAINT issuance_ledger_authority_id_fkey FOREIGN KEY (authority_id)
    REFERENCES ca_authorities (id),
  CONSTRAINT issuance_ledger_serial_check CHECK (serial ~ '^[!-~]{1,128}$'),
  CONSTRAINT issuance_ledger_kind_check CHECK (kind IN ('x509', 'jwt')),
  CONSTRAINT issuance_ledger_spiffe_id_check CHECK (is_spiffe_id(spiffe_id)),
  CONSTRAINT issuance_ledger_validity_check CHECK (expires_at > issued_at)
);
-- Expiry sweeps page through (expires_at, serial); taint walks one authority by serial.
CREATE INDEX issuance_ledger_expires_at_idx ON issuance_ledger (expires_at, serial);
CREATE INDEX issuance_ledger_authority_idx ON issuance_ledger (authority_id, serial);
-- Supporting indexes for ON DELETE SET NULL.
CREATE INDEX issuance_ledger_entry_id_idx ON issuance_ledger (entry_id) WHERE entry_id IS NOT NULL;
CREATE INDEX issuance_ledger_node_id_idx ON issuance_ledger (node_id) WHERE node_id IS NOT NULL;

-- events ------------------------------------------------------------------------

CREATE TABLE change_events (
  revision   bigint GENERATED ALWAYS AS IDENTITY,
  kind       text NOT NULL,
  subject    text NOT NULL,
  payload    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  CONSTRAINT change_events_pkey PRIMARY KEY (revision),
  CONSTRAINT change_events_kind_check CHECK (kind ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' AND char_length(kind) <= 128),
  CONSTRAINT change_events_subject_check CHECK (char_length(subject) BETWEEN 1 AND 2048)
);
CREATE INDEX change_events_created_at_idx ON change_events (created_at);

-- The highest revision pruneEvents deleted: readers behind it missed events.
CREATE TABLE change_events_retention (
  singleton      boolean NOT NULL DEFAULT true,
  pruned_through bigint NOT NULL DEFAULT 0,
  CONSTRAINT change_events_retention_pkey PRIMARY KEY (singleton),
  CONSTRAINT change_events_retention_singleton_check CHECK (singleton)
);
INSERT INTO change_events_retention (singleton, pruned_through) VALUES (true, 0);
`;

/** The initial schema. */
export const migration0001: Migration = { version: 1, name: 'init', sql };
