/**
 * REST routes of registration entries, one per gRPC method: create in batches (one result per
 * item, like gRPC), the filtered listing, and show, change or delete one entry by id (answering
 * with the entry, or with the item's error as the HTTP status).
 * @module
 */
import { ApiError } from '@signet/platform';
import { parseSelectorText } from '../entries/validate-selectors.js';
import type { DeleteEntriesResponse__Output, Entry, UpdateEntriesResponse__Output } from '../api/wire.js';
import { queryInt, queryList, queryString, singleItem, sameBody, type HttpRequestParts, type RegistrarRoute } from './route.js';
import { bodies, entryOut, entryUpdate, matchQuery, pageQuery, responses } from './schemas.js';

const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1 } }, required: ['id'] };

/** REST names of the set matches → `SelectorMatch` names. */
export const MATCHES: Readonly<Record<string, string>> = {
  exact: 'SELECTOR_MATCH_EXACT',
  subset: 'SELECTOR_MATCH_SUBSET',
  superset: 'SELECTOR_MATCH_SUPERSET',
  any: 'SELECTOR_MATCH_ANY',
};

/** The `selector=type:value` query parameters as proto selectors. */
export function selectorsFromQuery(value: unknown): { type: string; value: string }[] {
  return queryList(value).map((text, i) => parseSelectorText(text, `selector[${i}]`));
}

/** A match query parameter as a `SelectorMatch` name. */
export function matchFromQuery(value: unknown): string {
  const text = queryString(value);
  return text === '' ? 'SELECTOR_MATCH_UNSPECIFIED' : (MATCHES[text] ?? text);
}

const body = (http: HttpRequestParts): Record<string, unknown> => (http.body ?? {}) as Record<string, unknown>;

/** The entry routes. */
export const entryRoutes: readonly RegistrarRoute[] = [
  {
    method: 'POST',
    path: '/v1/entries',
    rpc: 'CreateEntries',
    tag: 'entries',
    summary: 'Create entries; each item succeeds or fails on its own (one result per item, in order).',
    status: 200,
    schema: { body: bodies.createEntries, response: responses.entryResults },
    toRequest: (http) => body(http),
    toBody: sameBody,
  },
  {
    method: 'GET',
    path: '/v1/entries',
    rpc: 'ListEntries',
    tag: 'entries',
    summary: 'List entries matching every given filter, in id order, a page at a time.',
    status: 200,
    schema: {
      querystring: {
        type: 'object',
        properties: {
          spiffe_id: { type: 'string' },
          parent_id: { type: 'string' },
          hint: { type: 'string' },
          selector: { type: 'array', items: { type: 'string' }, description: 'type:value; repeat for several.' },
          selector_match: matchQuery,
          federates_with: { type: 'array', items: { type: 'string' }, description: 'A trust domain; repeat for several.' },
          federates_with_match: matchQuery,
          ...pageQuery,
        },
        additionalProperties: false,
      },
      response: responses.entryPage,
    },
    toRequest: ({ query }) => ({
      spiffe_id: queryString(query['spiffe_id']),
      parent_id: queryString(query['parent_id']),
      hint: queryString(query['hint']),
      selectors: selectorsFromQuery(query['selector']),
      selector_match: matchFromQuery(query['selector_match']),
      federates_with: queryList(query['federates_with']),
      federates_with_match: matchFromQuery(query['federates_with_match']),
      page: { page_size: queryInt(query['page_size']), page_token: queryString(query['page_token']) },
    }),
    toBody: sameBody,
  },
  {
    method: 'GET',
    path: '/v1/entries/{id}',
    rpc: 'GetEntry',
    tag: 'entries',
    summary: 'Show one entry.',
    status: 200,
    schema: { params: idParams, response: entryOut },
    toRequest: ({ params }) => ({ id: String(params['id'] ?? '') }),
    toBody: sameBody,
  },
  {
    method: 'PATCH',
    path: '/v1/entries/{id}',
    rpc: 'UpdateEntries',
    tag: 'entries',
    summary: 'Change one entry: the mask selects the fields to set (absent: every field); a non-zero entry.revision must match.',
    status: 200,
    schema: {
      params: idParams,
      body: entryUpdate,
      response: entryOut,
    },
    toRequest: (http) => {
      const { entry, mask } = body(http) as { entry: Entry; mask?: unknown };
      const id = String(http.params['id'] ?? '');
      if (entry.id !== undefined && entry.id !== '' && entry.id !== id) {
        throw ApiError.invalid('entry.id', `must be empty or equal the id in the path (${JSON.stringify(id)})`);
      }
      return { updates: [{ entry: { ...entry, id }, ...(mask === undefined ? {} : { mask }) }] };
    },
    toBody: (res) => singleItem((res as UpdateEntriesResponse__Output).results[0], 'updates', 'update'),
  },
  {
    method: 'DELETE',
    path: '/v1/entries/{id}',
    rpc: 'DeleteEntries',
    tag: 'entries',
    summary: 'Delete one entry; answers with the deleted entry.',
    status: 200,
    schema: { params: idParams, response: entryOut },
    toRequest: ({ params }) => ({ ids: [String(params['id'] ?? '')] }),
    toBody: (res) => singleItem((res as DeleteEntriesResponse__Output).results[0], 'ids', 'id'),
  },
];
