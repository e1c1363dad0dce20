/**
 * Migration 0004: the same value checks, without bounded repetitions in regular expressions.
 *
 * PostgreSQL's regex engine expands a bound such as `[!-~]{1,128}` into one state per repetition,
 * so matching a 64-character value against it cost 25–50 µs: more than the ECDSA signature of the
 * SVID whose issuance-ledger row it checked, and on every entry, node and token write as well. Each
 * check below keeps its constraint name (errors name the field from it) and its meaning: the
 * character class becomes an unbounded match (`+` or `*`) and the bound a `char_length` test,
 * which together accept exactly the values the old expression accepted. Rows already stored
 * satisfied the old checks, so they satisfy these; the constraints are still validated.
 *
 * NEVER edit this text once released. Add a new numbered migration instead.
 * @module
 */
import type { Migration } from './migration.js';

/** A table, the constraint to replace, and the new expression. */
const CHECKS: ReadonlyArray<readonly [table: string, constraint: string, expression: string]> = [
  ['registration_entries', 'registration_entries_selectors_hash_check', "char_length(selectors_hash) = 64 AND selectors_hash ~ '^[0-9a-f]+$'"],
  ['registration_entry_selectors', 'registration_entry_selectors_type_check', "char_length(type) <= 128 AND type ~ '^[^:[:space:]]+$'"],
  ['join_tokens', 'join_tokens_token_hash_check', "char_length(token_hash) = 64 AND token_hash ~ '^[0-9a-f]+$'"],
  ['attested_nodes', 'attested_nodes_attestation_type_check', "char_length(attestation_type) <= 128 AND attestation_type ~ '^[A-Za-z0-9._-]+$'"],
  [
    'attested_nodes',
    'attested_nodes_cert_check',
    "(cert_serial IS NULL) = (cert_not_after IS NULL) AND (cert_serial IS NULL OR (char_length(cert_serial) <= 64 AND cert_serial ~ '^[0-9a-f]+$'))",
  ],
  [
    'attested_nodes',
    'attested_nodes_new_cert_check',
    "(new_cert_serial IS NULL) = (new_cert_not_after IS NULL) AND (new_cert_serial IS NULL OR (char_length(new_cert_serial) <= 64 AND new_cert_serial ~ '^[0-9a-f]+$'))",
  ],
  ['node_selectors', 'node_selectors_type_check', "char_length(type) <= 128 AND type ~ '^[^:[:space:]]+$'"],
  ['issuance_ledger', 'issuance_ledger_serial_check', "char_length(serial) <= 128 AND serial ~ '^[!-~]+$'"],
  ['server_svid_requests', 'server_svid_requests_service_check', "char_length(service) <= 63 AND service ~ '^[a-z][a-z0-9_-]*$'"],
];

const sql = `
CREATE OR REPLACE FUNCTION is_trust_domain(v text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $fn$ SELECT char_length(v) <= 255 AND v ~ '^[a-z0-9._-]+$' $fn$;

CREATE OR REPLACE FUNCTION is_record_id(v text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $fn$ SELECT char_length(v) <= 255 AND v ~ '^[!-~]+$' $fn$;
${CHECKS.map(
  ([table, name, expression]) => `
ALTER TABLE ${table} DROP CONSTRAINT ${name};
ALTER TABLE ${table} ADD CONSTRAINT ${name} CHECK (${expression}) NOT VALID;
ALTER TABLE ${table} VALIDATE CONSTRAINT ${name};`,
).join('\n')}
`;

/** Value checks in linear time. */
export const migration0004: Migration = Object.freeze({ version: 4, name: 'linear_checks', sql });
