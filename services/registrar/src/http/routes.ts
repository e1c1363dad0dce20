/**
 * The registrar's REST admin API as data: one route per gRPC method of
 * `signet.registrar.v1.Registrar`, with its JSON schemas.
 *
 * | Method and path | gRPC method |
 * |---|---|
 * | `POST /v1/entries` with `{ entries: [...] }` (one result per item) | CreateEntries |
 * | `PATCH /v1/entries/{id}` with `{ entry, mask? }` (one entry) | UpdateEntries |
 * | `DELETE /v1/entries/{id}` (one entry) | DeleteEntries |
 * | `GET /v1/entries/{id}` | GetEntry |
 * | `GET /v1/entries?spiffe_id=&parent_id=&hint=&selector=type:value&selector_match=&federates_with=&federates_with_match=&page_size=&page_token=` | ListEntries |
 * | `POST /v1/join-tokens` | CreateJoinToken |
 * | `GET /v1/agents?state=&attestation_type=&selector=&selector_match=&page_size=&page_token=` | ListAgents |
 * | `GET /v1/agents/{spiffe_id}` | GetAgent |
 * | `POST /v1/agents/{spiffe_id}/evict`, `/ban`, `/unban` | EvictAgent, BanAgent, UnbanAgent |
 * | `GET /v1/bundle` | GetLocalBundle |
 * | `GET /v1/federated-bundles?page_size=&page_token=` | ListFederatedBundles |
 * | `GET`, `PUT`, `DELETE /v1/federated-bundles/{trust_domain}` | Get-, Set-, DeleteFederatedBundle |
 * | `POST /v1/federation-relationships` (201) | CreateFederationRelationship |
 * | `GET /v1/federation-relationships?page_size=&page_token=` | ListFederationRelationships |
 * | `GET`, `PATCH` with `{ relationship, mask? }`, `DELETE` (204) `/v1/federation-relationships/{trust_domain}` | Get-, Update-, DeleteFederationRelationship |
 * | `POST /v1/federation-relationships/{trust_domain}/refresh` (202) | RefreshFederationRelationship |
 * | `GET /v1/openapi.json` | (the routes as OpenAPI 3.1: `server.serveOpenApi(REGISTRAR_OPENAPI_INFO, OPENAPI_PATH)`) |
 * @module
 */
import { adminRoutes } from './routes-admin.js';
import { entryRoutes } from './routes-entries.js';
import { federationRoutes } from './routes-federation.js';
import type { RegistrarRoute } from './route.js';

/** Where the OpenAPI document of the routes is served. */
export const OPENAPI_PATH = '/v1/openapi.json';

/** The `info` of the registrar's OpenAPI document. */
export const REGISTRAR_OPENAPI_INFO = Object.freeze({
  title: 'Signet registrar admin API',
  version: '1.0.0',
  description:
    'Registration entries, join tokens, agents, trust bundles and federation relationships. Every operation is a method of the gRPC service ' +
    'signet.registrar.v1.Registrar (same handler, same checks) and requires an admin caller. Errors answer ' +
    '{ error: { code, message, field } }; batch results carry one ItemStatus per item.',
});

/** Every REST route of the registrar. */
export const registrarRoutes: readonly RegistrarRoute[] = [...entryRoutes, ...adminRoutes, ...federationRoutes];
