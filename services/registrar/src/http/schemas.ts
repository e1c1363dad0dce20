/**
 * JSON schemas of the REST admin API's messages, mirroring `registrar.proto` and `types.proto`
 * in the proto3 JSON mapping: field names as in the proto, `int64` as decimal strings (requests
 * may also use numbers), `bytes` as base64, enums as their names. The same objects validate
 * requests, shape responses and feed the OpenAPI document (the error body is the platform's).
 * @module
 */

/** A JSON schema object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

const string: JsonSchema = { type: 'string' };
const bool: JsonSchema = { type: 'boolean' };
const int32: JsonSchema = { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
/** An `int64` in a request: a decimal string or a number. */
const int64In: JsonSchema = { anyOf: [{ type: 'string', pattern: '^-?[0-9]{1,20}$' }, { type: 'integer' }] };
/** An `int64` in a response: a decimal string. */
const int64Out: JsonSchema = { type: 'string', pattern: '^-?[0-9]+$' };
const base64: JsonSchema = { type: 'string', contentEncoding: 'base64' };
const strings: JsonSchema = { type: 'array', items: string };

/** An object with exactly these optional properties. */
function message(description: string, properties: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema {
  return { type: 'object', description, properties, additionalProperties: false, ...(required.length > 0 ? { required } : {}) };
}

/** A response object: every property present. */
function output(description: string, properties: Record<string, JsonSchema>): JsonSchema {
  return message(description, properties, Object.keys(properties));
}

const selectorIn = message('A selector, e.g. type "k8s", value "ns:prod".', { type: string, value: string });
const selectorOut = output('A selector.', { type: string, value: string });

const entryFields = (selector: JsonSchema, i64: JsonSchema): Record<string, JsonSchema> => ({
  id: string,
  spiffe_id: string,
  parent_id: string,
  selectors: { type: 'array', items: selector },
  x509_svid_ttl: int32,
  jwt_svid_ttl: int32,
  dns_names: strings,
  federates_with: strings,
  admin: bool,
  downstream: bool,
  hint: string,
  expires_at: i64,
  revision: i64,
  created_at: i64,
  updated_at: i64,
});

/** A registration entry in a request (`id`, `revision` and the times are ignored on create). */
export const entryIn = message('A registration entry.', entryFields(selectorIn, int64In));
/** A registration entry in a response. */
export const entryOut = output('A registration entry.', entryFields(selectorOut, int64Out));

/** Which fields an update sets. */
export const entryMask = message(
  'Fields to set; absent mask: every field.',
  Object.fromEntries(
    ['spiffe_id', 'parent_id', 'selectors', 'x509_svid_ttl', 'jwt_svid_ttl', 'dns_names', 'federates_with', 'admin', 'downstream', 'hint', 'expires_at'].map(
      (k) => [k, bool],
    ),
  ),
);

/** The body of a one-entry update. */
export const entryUpdate = message('An entry to change: a non-zero entry.revision must match; entry.id is the path id.', {
  entry: entryIn,
  mask: entryMask,
}, ['entry']);

/** The outcome of one batch item. */
export const itemStatus = output('Code 0 is success; otherwise a gRPC status code, a message and the field at fault.', {
  code: { type: 'integer' },
  message: string,
  field: string,
});

/** One item of a batch response. */
export const entryResult = message('The outcome of one item, in request order.', { status: itemStatus, entry: { anyOf: [entryOut, { type: 'null' }] } }, [
  'status',
]);

/** A page request inside a body. */
export const pageIn = message('A page request.', { page_size: int32, page_token: string });

/** An attested agent. */
export const agentOut = output('An attested node agent.', {
  spiffe_id: string,
  attestation_type: string,
  selectors: { type: 'array', items: selectorOut },
  x509_svid_serial: string,
  x509_svid_expires_at: int64Out,
  banned: bool,
  attested: bool,
  created_at: int64Out,
  updated_at: int64Out,
});

/** A JWT authority of a bundle. */
const jwtKeyOut = output('A JWT signing key.', { key_id: string, public_key: base64, expires_at: int64Out });

/** A bundle with its SPIFFE document and PEM. */
export const bundleDocumentOut = output('A trust bundle, its SPIFFE bundle document and its X.509 authorities as PEM.', {
  bundle: output('The trust bundle of one trust domain.', {
    trust_domain: string,
    x509_authorities: { type: 'array', items: base64 },
    jwt_authorities: { type: 'array', items: jwtKeyOut },
    sequence_number: int64Out,
    refresh_hint: int64Out,
    tainted_x509_authorities: { type: 'array', items: base64, description: 'Local bundle only: tainted X.509 authorities (DER) still in the bundle.' },
    tainted_jwt_key_ids: { type: 'array', items: string, description: 'Local bundle only: key ids of tainted JWT signing keys.' },
    trusted_by_all: { ...bool, description: 'Federated bundles only: every workload trusts this trust domain (its relationship says so).' },
  }),
  spiffe_json: string,
  x509_pem: string,
});

/** A created join token. */
export const joinTokenOut = output('A join token: the value is shown once.', { value: string, expires_at: int64Out, agent_spiffe_id: string });

/** The fetch health of a federation relationship (output only). */
const federationHealthFields = (i64: JsonSchema): Record<string, JsonSchema> => ({
  last_attempt_at: { ...i64, description: 'Unix seconds of the last fetch attempt; 0 when never.' },
  last_success_at: { ...i64, description: 'Unix seconds of the last successful fetch; 0 when never.' },
  last_error: { ...string, description: 'Why the last attempt failed; empty when it succeeded.' },
  sequence_number: { ...i64, description: 'spiffe_sequence of the bundle held; 0 when none or unset.' },
  bundle_age_seconds: { ...i64, description: 'Seconds since the held bundle was fetched (or set); -1 when none is held.' },
  stale: { ...bool, description: 'True when the bundle was not refreshed within twice its refresh hint (5 minutes when unknown).' },
  next_refresh_at: { ...i64, description: 'Unix seconds of the next planned fetch; 0 when unknown.' },
});

const federationFields = (health: JsonSchema, i64: JsonSchema): Record<string, JsonSchema> => ({
  trust_domain: { ...string, description: 'The foreign trust domain, e.g. partner.example.' },
  bundle_endpoint_url: { ...string, description: 'https:// URL of its SPIFFE bundle endpoint (at most 2048 characters).' },
  bundle_endpoint_profile: { ...string, description: '"https_web" (Web PKI) or "https_spiffe" (the endpoint presents an X509-SVID).' },
  endpoint_spiffe_id: { ...string, description: 'https_spiffe only: the SPIFFE ID the endpoint presents, in the foreign trust domain; empty for https_web.' },
  trusted_by_all: { ...bool, description: 'Every workload trusts the foreign trust domain, not only entries that federate with it.' },
  health,
  created_at: i64,
  updated_at: i64,
});

/** A federation relationship in a request (health and times are output only and ignored). */
export const federationRelationshipIn = message(
  'A federation relationship.',
  federationFields(message('Output only; ignored.', federationHealthFields(int64In)), int64In),
);
/** A federation relationship in a response, with its fetch health. */
export const federationRelationshipOut = output(
  'A federation relationship and how the fetching of its bundle is going.',
  federationFields(output('How the fetching of the bundle is going.', federationHealthFields(int64Out)), int64Out),
);

/** Which fields a relationship update sets. */
export const federationRelationshipMask = message(
  'Fields to set; absent mask: every settable field.',
  Object.fromEntries(['bundle_endpoint_url', 'bundle_endpoint_profile', 'endpoint_spiffe_id', 'trusted_by_all'].map((k) => [k, bool])),
);

/** Bodies of the batch and single-item requests. */
export const bodies = {
  createEntries: message('Entries to create.', { entries: { type: 'array', items: entryIn } }, ['entries']),
  createJoinToken: message('A join token to create.', { ttl: int32, agent_spiffe_id: string }),
  setBundle: message('A bundle for a foreign trust domain.', { format: { type: 'string', enum: ['', 'spiffe', 'pem'] }, document: string }, ['document']),
  createFederationRelationship: message(
    'A federation relationship to create, with the bundle of the foreign trust domain to start from.',
    {
      relationship: federationRelationshipIn,
      trust_domain_bundle: {
        ...base64,
        description: 'The bundle to start from, base64: required for https_spiffe (it authenticates the endpoint until the first fetch), optional for https_web.',
      },
      trust_domain_bundle_format: { ...string, description: '"spiffe" (a SPIFFE bundle document, the default) or "pem" (X.509 authorities).' },
    },
    ['relationship'],
  ),
  updateFederationRelationship: message(
    'A relationship to change: relationship.trust_domain is the path\'s (or empty).',
    { relationship: federationRelationshipIn, mask: federationRelationshipMask },
    ['relationship'],
  ),
} as const;

/** Response bodies. */
export const responses = {
  entryResults: output('One result per item, in request order.', { results: { type: 'array', items: entryResult } }),
  entryPage: output('A page of entries.', { entries: { type: 'array', items: entryOut }, next_page_token: string }),
  agentPage: output('A page of agents.', { agents: { type: 'array', items: agentOut }, next_page_token: string }),
  bundlePage: output('A page of federated bundles.', { bundles: { type: 'array', items: bundleDocumentOut }, next_page_token: string }),
  federationRelationshipPage: output('A page of federation relationships.', {
    relationships: { type: 'array', items: federationRelationshipOut },
    next_page_token: string,
  }),
} as const;

/** Query parameters of a page. */
export const pageQuery: Record<string, JsonSchema> = {
  page_size: { type: 'integer', description: 'Items per page: 0 or absent for the default (100); at most 1000.' },
  page_token: { type: 'string', description: 'next_page_token of the previous page.' },
};

/** How a set filter compares. */
export const matchQuery: JsonSchema = {
  type: 'string',
  enum: ['exact', 'subset', 'superset', 'any'],
  description: 'exact (default): the same set; subset: the item needs nothing beyond the given ones; superset: the item has all given ones; any: at least one in common.',
};
