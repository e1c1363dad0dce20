/**
 * REST routes of join tokens, agents and bundles. Agent SPIFFE IDs travel in the path
 * percent-encoded (`/v1/agents/spiffe%3A%2F%2Fexample.org%2Fspire%2Fagent%2Fx/ban`).
 * @module
 */
import { bodies, agentOut, bundleDocumentOut, joinTokenOut, matchQuery, pageQuery, responses } from './schemas.js';
import { queryInt, queryString, sameBody, type HttpRequestParts, type RegistrarRoute } from './route.js';
import { matchFromQuery, selectorsFromQuery } from './routes-entries.js';

const agentParams = { type: 'object', properties: { spiffe_id: { type: 'string', minLength: 1 } }, required: ['spiffe_id'] };
const tdParams = { type: 'object', properties: { trust_domain: { type: 'string', minLength: 1 } }, required: ['trust_domain'] };
const pageOnly = { type: 'object', properties: { ...pageQuery }, additionalProperties: false };

const page = (query: HttpRequestParts['query']): { page_size: number; page_token: string } => ({
  page_size: queryInt(query['page_size']),
  page_token: queryString(query['page_token']),
});

function agentAction(verb: 'evict' | 'ban' | 'unban', rpc: 'EvictAgent' | 'BanAgent' | 'UnbanAgent', summary: string): RegistrarRoute {
  return {
    method: 'POST',
    path: `/v1/agents/{spiffe_id}/${verb}`,
    rpc,
    tag: 'agents',
    summary,
    status: 200,
    schema: { params: agentParams, response: agentOut },
    toRequest: ({ params }) => ({ spiffe_id: String(params['spiffe_id'] ?? '') }),
    toBody: sameBody,
  };
}

/** Join token, agent and bundle routes. */
export const adminRoutes: readonly RegistrarRoute[] = [
  {
    method: 'POST',
    path: '/v1/join-tokens',
    rpc: 'CreateJoinToken',
    tag: 'join-tokens',
    summary: 'Create a single-use join token; its value is shown in this response only.',
    status: 201,
    schema: { body: bodies.createJoinToken, response: joinTokenOut },
    toRequest: (http) => http.body ?? {},
    toBody: sameBody,
  },
  {
    method: 'GET',
    path: '/v1/agents',
    rpc: 'ListAgents',
    tag: 'agents',
    summary: 'List agents matching every given filter, in SPIFFE ID order, a page at a time.',
    status: 200,
    schema: {
      querystring: {
        type: 'object',
        properties: {
          state: { type: 'string', enum: ['', 'all', 'attested', 'evicted', 'banned'] },
          attestation_type: { type: 'string' },
          selector: { type: 'array', items: { type: 'string' }, description: 'type:value; repeat for several.' },
          selector_match: matchQuery,
          ...pageQuery,
        },
        additionalProperties: false,
      },
      response: responses.agentPage,
    },
    toRequest: ({ query }) => ({
      state: queryString(query['state']),
      attestation_type: queryString(query['attestation_type']),
      selectors: selectorsFromQuery(query['selector']),
      selector_match: matchFromQuery(query['selector_match']),
      page: page(query),
    }),
    toBody: sameBody,
  },
  {
    method: 'GET',
    path: '/v1/agents/{spiffe_id}',
    rpc: 'GetAgent',
    tag: 'agents',
    summary: 'Show one agent.',
    status: 200,
    schema: { params: agentParams, response: agentOut },
    toRequest: ({ params }) => ({ spiffe_id: String(params['spiffe_id'] ?? '') }),
    toBody: sameBody,
  },
  agentAction('evict', 'EvictAgent', 'Evict an agent: it must attest again (refused for a banned agent: unban it).'),
  agentAction('ban', 'BanAgent', 'Ban an agent: it can neither renew nor attest until unbanned.'),
  agentAction('unban', 'UnbanAgent', 'Lift the ban of an agent; it must attest again.'),
  {
    method: 'GET',
    path: '/v1/bundle',
    rpc: 'GetLocalBundle',
    tag: 'bundle',
    summary: "Show this trust domain's bundle.",
    status: 200,
    schema: { response: bundleDocumentOut },
    toRequest: () => ({}),
    toBody: sameBody,
  },
  {
    method: 'GET',
    path: '/v1/federated-bundles',
    rpc: 'ListFederatedBundles',
    tag: 'federated-bundles',
    summary: 'List the bundles of foreign trust domains, in trust domain order.',
    status: 200,
    schema: { querystring: pageOnly, response: responses.bundlePage },
    toRequest: ({ query }) => ({ page: page(query) }),
    toBody: sameBody,
  },
  {
    method: 'GET',
    path: '/v1/federated-bundles/{trust_domain}',
    rpc: 'GetFederatedBundle',
    tag: 'federated-bundles',
    summary: 'Show the bundle of a foreign trust domain.',
    status: 200,
    schema: { params: tdParams, response: bundleDocumentOut },
    toRequest: ({ params }) => ({ trust_domain: String(params['trust_domain'] ?? '') }),
    toBody: sameBody,
  },
  {
    method: 'PUT',
    path: '/v1/federated-bundles/{trust_domain}',
    rpc: 'SetFederatedBundle',
    tag: 'federated-bundles',
    summary: 'Set the bundle of a foreign trust domain from a SPIFFE bundle document or PEM.',
    status: 200,
    schema: { params: tdParams, body: bodies.setBundle, response: bundleDocumentOut },
    toRequest: (http) => ({ ...((http.body ?? {}) as object), trust_domain: String(http.params['trust_domain'] ?? '') }),
    toBody: sameBody,
  },
  {
    method: 'DELETE',
    path: '/v1/federated-bundles/{trust_domain}',
    rpc: 'DeleteFederatedBundle',
    tag: 'federated-bundles',
    summary: 'Delete the bundle of a foreign trust domain (refused while entries federate with it and no relationship fetches it).',
    status: 204,
    schema: { params: tdParams },
    toRequest: ({ params }) => ({ trust_domain: String(params['trust_domain'] ?? '') }),
    toBody: () => undefined,
  },
];
