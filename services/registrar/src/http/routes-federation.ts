/**
 * REST routes of federation relationships, one per gRPC method. The trust domain travels in the
 * path (`/v1/federation-relationships/partner.example`); a refresh is accepted (202) once asked,
 * not once fetched.
 * @module
 */
import { ApiError } from '@signet/platform';
import type { FederationRelationship } from '../api/wire.js';
import { queryInt, queryString, sameBody, type HttpRequestParts, type RegistrarRoute } from './route.js';
import { bodies, federationRelationshipOut, pageQuery, responses } from './schemas.js';

const tdParams = { type: 'object', properties: { trust_domain: { type: 'string', minLength: 1 } }, required: ['trust_domain'] };
const pageOnly = { type: 'object', properties: { ...pageQuery }, additionalProperties: false };
const TAG = 'federation-relationships';

const trustDomainOf = (http: HttpRequestParts): string => String(http.params['trust_domain'] ?? '');
const body = (http: HttpRequestParts): Record<string, unknown> => (http.body ?? {}) as Record<string, unknown>;

/** The federation relationship routes. */
export const federationRoutes: readonly RegistrarRoute[] = [
  {
    method: 'POST',
    path: '/v1/federation-relationships',
    rpc: 'CreateFederationRelationship',
    tag: TAG,
    summary: 'Create a federation relationship: where and how the bundle of a foreign trust domain is fetched.',
    status: 201,
    schema: { body: bodies.createFederationRelationship, response: federationRelationshipOut },
    toRequest: (http) => body(http),
    toBody: sameBody,
  },
  {
    method: 'GET',
    path: '/v1/federation-relationships',
    rpc: 'ListFederationRelationships',
    tag: TAG,
    summary: 'List federation relationships with their fetch health, in trust domain order, a page at a time.',
    status: 200,
    schema: { querystring: pageOnly, response: responses.federationRelationshipPage },
    toRequest: ({ query }) => ({ page: { page_size: queryInt(query['page_size']), page_token: queryString(query['page_token']) } }),
    toBody: sameBody,
  },
  {
    method: 'GET',
    path: '/v1/federation-relationships/{trust_domain}',
    rpc: 'GetFederationRelationship',
    tag: TAG,
    summary: 'Show a federation relationship with its fetch health: last refresh, last error, bundle age, staleness.',
    status: 200,
    schema: { params: tdParams, response: federationRelationshipOut },
    toRequest: (http) => ({ trust_domain: trustDomainOf(http) }),
    toBody: sameBody,
  },
  {
    method: 'PATCH',
    path: '/v1/federation-relationships/{trust_domain}',
    rpc: 'UpdateFederationRelationship',
    tag: TAG,
    summary: 'Change a federation relationship: the mask selects the fields to set (absent: every settable field).',
    status: 200,
    schema: { params: tdParams, body: bodies.updateFederationRelationship, response: federationRelationshipOut },
    toRequest: (http) => {
      const { relationship, mask } = body(http) as { relationship: FederationRelationship; mask?: unknown };
      const td = trustDomainOf(http);
      if (relationship.trust_domain !== undefined && relationship.trust_domain !== '' && relationship.trust_domain !== td) {
        throw ApiError.invalid('relationship.trust_domain', `must be empty or equal the trust domain in the path (${JSON.stringify(td)})`);
      }
      return { relationship: { ...relationship, trust_domain: td }, ...(mask === undefined ? {} : { mask }) };
    },
    toBody: sameBody,
  },
  {
    method: 'DELETE',
    path: '/v1/federation-relationships/{trust_domain}',
    rpc: 'DeleteFederationRelationship',
    tag: TAG,
    summary: "Delete a federation relationship, its fetch status and the trust domain's bundle (refused while entries federate with it).",
    status: 204,
    schema: { params: tdParams },
    toRequest: (http) => ({ trust_domain: trustDomainOf(http) }),
    toBody: () => undefined,
  },
  {
    method: 'POST',
    path: '/v1/federation-relationships/{trust_domain}/refresh',
    rpc: 'RefreshFederationRelationship',
    tag: TAG,
    summary: 'Ask the federation service to fetch the bundle now; accepted once asked, not once fetched.',
    status: 202,
    schema: { params: tdParams, response: federationRelationshipOut },
    toRequest: (http) => ({ trust_domain: trustDomainOf(http) }),
    toBody: sameBody,
  },
];
