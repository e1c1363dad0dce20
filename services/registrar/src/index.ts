/**
 * `@signet/registrar`: registration entries, join tokens, agents, trust bundles and federation
 * relationships for admins, over the datastore, served as `signet.registrar.v1.Registrar` (gRPC)
 * and a REST admin API.
 * Re-exports only.
 *
 * @example
 * ```ts
 * import { createRegistrarService, OPENAPI_PATH, REGISTRAR_OPENAPI_INFO, registrarRestRoutes } from '@signet/registrar';
 * const registrar = createRegistrarService({ db, trustDomain: 'example.org', config: config.registrar, logger });
 * adminHttp.addRoutes(registrarRestRoutes(registrar.service));
 * adminHttp.serveOpenApi(REGISTRAR_OPENAPI_INFO, OPENAPI_PATH);
 * ```
 * @module
 */
export { createRegistrarService } from './app.js';
export type { RegistrarApp, RegistrarServiceOptions } from './app.js';
export { DEFAULT_REGISTRAR_CONFIG, registrarConfigSchema, registrarLimits, registrarSection } from './config.js';
export type { RegistrarConfig, RegistrarLimits } from './config.js';

// Entries
export { EntryService } from './entries/entry-service.js';
export type { EntryDeps } from './entries/entry-deps.js';
export { EMPTY_ENTRY_DRAFT, ENTRY_FIELD_NAMES, ENTRY_FIELDS } from './entries/entry-draft.js';
export type { EntryDraft, EntryField, SelectorInput } from './entries/entry-draft.js';
export type { EntryFilterInput } from './entries/entry-filter.js';
export type { EntryPage } from './entries/read-entries.js';
export type { EntryUpdateRequest } from './entries/update-entries.js';
export { validateEntryChanges, validateNewEntry, MAX_EXPIRES_AT, MAX_HINT_LENGTH } from './entries/validate-entry.js';
export type { EntryRules } from './entries/validate-entry.js';
export { agentId, isReservedPath, memberId, workloadId, RESERVED_SEGMENT } from './entries/validate-ids.js';
export { checkSelector, checkSelectors, parseSelectorText } from './entries/validate-selectors.js';
export { checkDnsNames, dnsNameProblem } from './entries/validate-dns.js';
export { checkFederatesWith, parseTrustDomainName } from './entries/validate-federates-with.js';
export { datastoreTrustDomainCatalog } from './entries/trust-domain-catalog.js';
export type { TrustDomainCatalog } from './entries/trust-domain-catalog.js';
export type { ItemOutcome } from './internal/item-outcome.js';

// Join tokens
export { JoinTokenService, JOIN_TOKEN_CREATED } from './tokens/join-token-service.js';
export type { CreatedJoinToken, JoinTokenDeps, JoinTokenRequest } from './tokens/join-token-service.js';
export { generateJoinToken, joinTokenHashPrefix, JOIN_TOKEN_BYTES } from './tokens/generate-token.js';

// Agents
export type { AgentAdmin, AgentFilter, AgentRecord, AgentState } from './agents/agent-admin.js';
export { countNodesByState } from './agents/node-counts.js';
export type { AgentCounts } from './agents/node-counts.js';
export { AgentService, checkAgentFilter } from './agents/agent-service.js';
export type { AgentFilterInput, AgentListPage, AgentServiceDeps } from './agents/agent-service.js';
export { datastoreAgentAdmin, NODE_UNBANNED } from './agents/datastore-agent-admin.js';

// Bundles
export { BundleService } from './bundles/bundle-service.js';
export type { BundlePage, BundleServiceDeps, SetBundleRequest } from './bundles/bundle-service.js';
export { bundleView } from './bundles/bundle-view.js';
export type { BundleView } from './bundles/bundle-view.js';
export { parseBundleDocument } from './bundles/parse-bundle-document.js';
export type { BundleFormat } from './bundles/parse-bundle-document.js';

// Federation relationships
export { FederationService, RELATIONSHIP_FIELDS } from './federation/federation-service.js';
export type {
  CreateRelationshipRequest,
  FederationServiceDeps,
  RelationshipDraft,
  RelationshipField,
  RelationshipPage,
  RelationshipView,
  UpdateRelationshipRequest,
} from './federation/federation-service.js';
export { DEFAULT_REFRESH_HINT_SECONDS, federationHealth } from './federation/federation-health.js';
export type { FederationHealthInput, FederationHealthView } from './federation/federation-health.js';
export {
  BUNDLE_ENDPOINT_PROFILES,
  checkEndpointSpiffeId,
  checkEndpointUrl,
  MAX_ENDPOINT_URL_LENGTH,
  TRUST_DOMAIN_BUNDLE_FORMATS,
} from './federation/validate-relationship.js';
export type { TrustDomainBundleFormat } from './federation/validate-relationship.js';

// gRPC
export { REGISTRAR_SERVICE, registrarService } from './api/registrar/v1/service.js';
export type { RegistrarServiceImpl, RegistrarServiceParts } from './api/registrar/v1/service.js';

// REST
export { OPENAPI_PATH, REGISTRAR_OPENAPI_INFO, registrarRoutes } from './http/routes.js';
export type { HttpRequestParts, RegistrarRoute } from './http/route.js';
export { fastifyPath } from './http/route.js';
export { registrarRestRoutes } from './http/rest-routes.js';

// Telemetry
export { startRegistrarMetrics } from './telemetry/metrics.js';
export type { RegistrarMetrics, RegistrarMetricsOptions } from './telemetry/metrics.js';
