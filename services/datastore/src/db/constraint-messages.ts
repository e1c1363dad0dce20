/**
 * What each named constraint of the schema means, in words: the field it
 * guards and the rule. `translateDbError` uses this table so that a violated
 * constraint becomes a message a caller can act on, for example
 * `registration_entries.spiffe_id: must be a SPIFFE ID (spiffe://<trust domain>/<path>) of at most 2048 bytes`.
 * @module
 */

/** The field and rule behind a constraint. */
export interface ConstraintRule {
  /** `table.column` (or `table` for multi-column rules). */
  readonly field: string;
  /** The rule, phrased to follow "field: ". */
  readonly rule: string;
}

const SPIFFE_ID_RULE = 'must be a SPIFFE ID (spiffe://<trust domain>/<path>) of at most 2048 bytes';
const TRUST_DOMAIN_RULE = 'must be a trust domain name: 1-255 characters of [a-z0-9._-]';
const RECORD_ID_RULE = 'must be 1-255 printable ASCII characters without spaces';
const SELECTOR_TYPE_RULE = 'must be 1-128 characters without ":" or whitespace';
const SELECTOR_VALUE_RULE = 'must be 1-2048 characters';

const rules: Readonly<Record<string, ConstraintRule>> = {
  // registrar
  registration_entries_pkey: { field: 'registration_entries.id', rule: 'an entry with this id already exists' },
  registration_entries_identity_key: {
    field: 'registration_entries',
    rule: 'an entry with the same spiffe_id, parent_id and selectors already exists',
  },
  registration_entries_id_check: { field: 'registration_entries.id', rule: RECORD_ID_RULE },
  registration_entries_spiffe_id_check: { field: 'registration_entries.spiffe_id', rule: SPIFFE_ID_RULE },
  registration_entries_parent_id_check: { field: 'registration_entries.parent_id', rule: SPIFFE_ID_RULE },
  registration_entries_selectors_hash_check: {
    field: 'registration_entries.selectors_hash',
    rule: 'must be 64 lowercase hex characters',
  },
  registration_entries_selector_count_check: {
    field: 'registration_entries.selectors',
    rule: 'at least one selector is required',
  },
  registration_entries_x509_svid_ttl_check: { field: 'registration_entries.x509_svid_ttl', rule: 'must be >= 0 seconds' },
  registration_entries_jwt_svid_ttl_check: { field: 'registration_entries.jwt_svid_ttl', rule: 'must be >= 0 seconds' },
  registration_entries_hint_check: { field: 'registration_entries.hint', rule: 'must be 1-1024 characters when set' },
  registration_entries_revision_check: { field: 'registration_entries.revision', rule: 'must be >= 1' },
  registration_entry_selectors_pkey: {
    field: 'registration_entry_selectors',
    rule: 'the same selector appears twice in one entry',
  },
  registration_entry_selectors_entry_id_fkey: {
    field: 'registration_entry_selectors.entry_id',
    rule: 'no registration entry has this id',
  },
  registration_entry_selectors_type_check: { field: 'registration_entry_selectors.type', rule: SELECTOR_TYPE_RULE },
  registration_entry_selectors_value_check: { field: 'registration_entry_selectors.value', rule: SELECTOR_VALUE_RULE },
  registration_entry_dns_names_pkey: {
    field: 'registration_entry_dns_names.position',
    rule: 'two DNS names at the same position of one entry',
  },
  registration_entry_dns_names_name_key: {
    field: 'registration_entry_dns_names.dns_name',
    rule: 'the same DNS name appears twice in one entry',
  },
  registration_entry_dns_names_entry_id_fkey: {
    field: 'registration_entry_dns_names.entry_id',
    rule: 'no registration entry has this id',
  },
  registration_entry_dns_names_position_check: { field: 'registration_entry_dns_names.position', rule: 'must be >= 0' },
  registration_entry_dns_names_dns_name_check: {
    field: 'registration_entry_dns_names.dns_name',
    rule: 'must be a DNS name (labels of [A-Za-z0-9-], optional leading "*."), at most 253 characters',
  },
  registration_entry_federates_with_pkey: {
    field: 'registration_entry_federates_with',
    rule: 'the same trust domain appears twice in one entry',
  },
  registration_entry_federates_with_entry_id_fkey: {
    field: 'registration_entry_federates_with.entry_id',
    rule: 'no registration entry has this id',
  },
  registration_entry_federates_with_trust_domain_check: {
    field: 'registration_entry_federates_with.trust_domain',
    rule: TRUST_DOMAIN_RULE,
  },
  join_tokens_pkey: { field: 'join_tokens.token', rule: 'this join token already exists' },
  join_tokens_token_hash_check: { field: 'join_tokens.token_hash', rule: 'must be 64 lowercase hex characters' },
  join_tokens_agent_spiffe_id_check: { field: 'join_tokens.agent_spiffe_id', rule: SPIFFE_ID_RULE },
  federation_relationships_pkey: {
    field: 'federation_relationships.trust_domain',
    rule: 'a federation relationship with this trust domain already exists',
  },
  federation_relationships_trust_domain_check: {
    field: 'federation_relationships.trust_domain',
    rule: TRUST_DOMAIN_RULE,
  },
  federation_relationships_bundle_endpoint_url_check: {
    field: 'federation_relationships.bundle_endpoint_url',
    rule: 'must be an https:// URL of at most 2048 characters',
  },
  federation_relationships_profile_check: {
    field: 'federation_relationships.bundle_endpoint_profile',
    rule: 'must be "https_web" or "https_spiffe"',
  },
  federation_relationships_endpoint_spiffe_id_check: {
    field: 'federation_relationships.endpoint_spiffe_id',
    rule: 'must be a SPIFFE ID when the profile is https_spiffe, and absent otherwise',
  },
  // attestation
  attested_nodes_pkey: { field: 'attested_nodes.spiffe_id', rule: 'a node with this SPIFFE ID is already attested' },
  attested_nodes_spiffe_id_check: { field: 'attested_nodes.spiffe_id', rule: SPIFFE_ID_RULE },
  attested_nodes_attestation_type_check: {
    field: 'attested_nodes.attestation_type',
    rule: 'must be 1-128 characters of [A-Za-z0-9._-]',
  },
  attested_nodes_cert_check: {
    field: 'attested_nodes.cert_serial',
    rule: 'serial (1-64 lowercase hex characters) and not_after must be set together',
  },
  attested_nodes_new_cert_check: {
    field: 'attested_nodes.new_cert_serial',
    rule: 'serial (1-64 lowercase hex characters) and not_after must be set together',
  },
  attested_nodes_banned_check: { field: 'attested_nodes.banned', rule: 'a banned node cannot hold certificate serials' },
  node_selectors_pkey: { field: 'node_selectors', rule: 'the same selector appears twice for one node' },
  node_selectors_spiffe_id_fkey: { field: 'node_selectors.spiffe_id', rule: 'no attested node has this SPIFFE ID' },
  node_selectors_type_check: { field: 'node_selectors.type', rule: SELECTOR_TYPE_RULE },
  node_selectors_value_check: { field: 'node_selectors.value', rule: SELECTOR_VALUE_RULE },
  // ca
  ca_authorities_pkey: { field: 'ca_authorities.id', rule: 'an authority with this id already exists' },
  ca_authorities_key_id_key: { field: 'ca_authorities.key_id', rule: 'an authority of this kind already has this key id' },
  ca_authorities_id_check: { field: 'ca_authorities.id', rule: RECORD_ID_RULE },
  ca_authorities_kind_check: { field: 'ca_authorities.kind', rule: 'must be "x509" or "jwt"' },
  ca_authorities_state_check: {
    field: 'ca_authorities.state',
    rule: 'must be one of prepared, active, old, tainted, revoked',
  },
  ca_authorities_public_key_check: { field: 'ca_authorities.public_key', rule: 'must not be empty' },
  ca_authorities_certificate_check: {
    field: 'ca_authorities.certificate',
    rule: 'an x509 authority needs a non-empty certificate and a jwt authority has none',
  },
  ca_authorities_key_id_check: { field: 'ca_authorities.key_id', rule: 'must be 1-255 characters' },
  ca_authorities_key_ref_check: { field: 'ca_authorities.key_ref', rule: 'must be 1-1024 characters' },
  ca_authorities_validity_check: { field: 'ca_authorities.not_after', rule: 'must be later than not_before' },
  ca_authorities_transitions_check: {
    field: 'ca_authorities.state',
    rule: 'the transition timestamps do not match the state (prepared → active → old → tainted → revoked)',
  },
  ca_authorities_one_active_idx: { field: 'ca_authorities.state', rule: 'another authority of this kind is active' },
  ca_authorities_one_prepared_idx: {
    field: 'ca_authorities.state',
    rule: 'another authority of this kind is already prepared',
  },
  bundles_pkey: { field: 'bundles.trust_domain', rule: 'a bundle for this trust domain already exists' },
  bundles_trust_domain_check: { field: 'bundles.trust_domain', rule: TRUST_DOMAIN_RULE },
  bundles_document_check: { field: 'bundles.document', rule: 'must be a JSON object' },
  bundles_source_check: { field: 'bundles.source', rule: 'must be "local", "federated" or "manual"' },
  bundles_sequence_check: { field: 'bundles.sequence', rule: 'must be >= 1' },
  bundles_one_local_idx: { field: 'bundles.source', rule: 'another trust domain already holds the local bundle' },
  issuance_ledger_pkey: { field: 'issuance_ledger.serial', rule: 'an issuance with this serial is already recorded' },
  issuance_ledger_serial_check: {
    field: 'issuance_ledger.serial',
    rule: 'must be 1-128 printable ASCII characters without spaces',
  },
  issuance_ledger_kind_check: { field: 'issuance_ledger.kind', rule: 'must be "x509" or "jwt"' },
  issuance_ledger_spiffe_id_check: { field: 'issuance_ledger.spiffe_id', rule: SPIFFE_ID_RULE },
  issuance_ledger_validity_check: { field: 'issuance_ledger.expires_at', rule: 'must be later than issued_at' },
  // events
  change_events_kind_check: {
    field: 'change_events.kind',
    rule: 'must be dotted lowercase words such as "entry.created", at most 128 characters',
  },
  change_events_subject_check: { field: 'change_events.subject', rule: 'must be 1-2048 characters' },
  change_events_retention_singleton_check: { field: 'change_events_retention', rule: 'holds a single row' },
};

/** The rule behind `constraint`, if it is one of ours. */
export function constraintRule(constraint: string | undefined): ConstraintRule | undefined {
  return constraint !== undefined && Object.hasOwn(rules, constraint) ? rules[constraint] : undefined;
}
