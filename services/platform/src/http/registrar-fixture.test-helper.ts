/**
 * Registrar-like methods and their REST routes, recording what their handlers receive; shared
 * by the admin server tests.
 * @module
 */
import { ApiError } from '../api/api-error.js';
import { unary, type CallContext } from '../api/handler.js';
import { signetProtos } from '../grpc/protos.js';
import { routeFromMethod, type RestRoute } from './rest-route.js';

export const protos = signetProtos();

/** A selector: type and value. */
export const selectorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'value'],
  properties: { type: { type: 'string', minLength: 1 }, value: { type: 'string' } },
};
/** The body of POST /v1/entries. */
export const createEntriesBody = {
  type: 'object',
  additionalProperties: false,
  required: ['entries'],
  properties: {
    entries: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['spiffe_id', 'parent_id', 'selectors'],
        properties: {
          spiffe_id: { type: 'string' },
          parent_id: { type: 'string' },
          selectors: { type: 'array', items: selectorSchema },
          x509_svid_ttl: { type: 'integer' },
          admin: { type: 'boolean' },
          expires_at: { type: 'string', pattern: '^[0-9]+$' },
        },
      },
    },
  },
};

/** The registrar-like handlers of these tests, recording what they receive. */
export function registrarSpecs() {
  const received: { method: string; request: unknown; ctx: CallContext }[] = [];
  const specs = {
    CreateEntries: unary<{ entries: { spiffe_id: string }[] }, unknown>(['admin'], async (request, ctx) => {
      received.push({ method: 'CreateEntries', request, ctx });
      ctx.audit({ count: request.entries.length });
      return { results: request.entries.map((e, i) => ({ status: { code: 0, message: 'OK' }, entry: { ...e, id: `e${i}`, revision: '1' } })) };
    }),
    GetEntry: unary<{ id: string }, unknown>(['admin', 'agent'], async (request, ctx) => {
      received.push({ method: 'GetEntry', request, ctx });
      if (request.id === 'missing') throw new ApiError('not_found', `entry ${request.id} does not exist`);
      if (request.id === 'busy') throw new ApiError('resource_exhausted', 'slow down', { retryAfterMs: 1_500 });
      if (request.id === 'broken') throw new Error('disk on fire');
      return { id: request.id, spiffe_id: 'spiffe://example.org/web', selectors: [] };
    }),
    ListAgents: unary<{ page: { page_size: number } }, unknown>(['admin'], async (request, ctx) => {
      received.push({ method: 'ListAgents', request, ctx });
      return { agents: [], next_page_token: '' };
    }),
    CreateJoinToken: unary<{ ttl: number }, unknown>(['admin'], async (request, ctx) => {
      received.push({ method: 'CreateJoinToken', request, ctx });
      return { value: 'secret', expires_at: '1700000000', agent_spiffe_id: '' };
    }),
  };
  const routes: RestRoute[] = [
    routeFromMethod(specs.CreateEntries, { rpc: protos.registrar.CreateEntries, method: 'POST', url: '/v1/entries', schema: { body: createEntriesBody }, tags: ['entries'] }),
    routeFromMethod(specs.GetEntry, {
      rpc: protos.registrar.GetEntry,
      method: 'GET',
      url: '/v1/entries/:id',
      schema: { params: { type: 'object', properties: { id: { type: 'string', description: 'Entry id' } } } },
      summary: 'Gets one entry',
    }),
    routeFromMethod(specs.ListAgents, {
      rpc: protos.registrar.ListAgents,
      method: 'GET',
      url: '/v1/agents',
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { page_size: { type: 'integer', minimum: 1, maximum: 1000 } } } },
      request: ({ query }) => ({ page: { page_size: query.page_size } }),
    }),
    routeFromMethod(specs.CreateJoinToken, { rpc: protos.registrar.CreateJoinToken, method: 'POST', url: '/v1/join-tokens', successStatus: 201 }),
  ];
  return { specs, routes, received };
}
