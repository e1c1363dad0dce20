/**
 * The OpenAPI 3.1 document of a set of REST routes, from their JSON schemas.
 * @module
 */
import type { JsonSchemaObject, RestRoute } from './rest-route.js';

/** The `info` of the document, and optional servers. */
export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
}

/** The JSON schema of every error body: `{ error: { code, message, field? } }`. */
export const ERROR_BODY_SCHEMA: JsonSchemaObject = Object.freeze({
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [
            'invalid_argument',
            'not_found',
            'already_exists',
            'permission_denied',
            'unauthenticated',
            'failed_precondition',
            'aborted',
            'resource_exhausted',
            'unavailable',
            'deadline_exceeded',
            'unimplemented',
            'internal',
          ],
        },
        message: { type: 'string' },
        field: { type: 'string', description: 'The request field at fault, e.g. body.selectors[0].type' },
      },
    },
  },
});

/**
 * Builds an OpenAPI 3.1 document: one operation per route (`operationId` is the gRPC method name,
 * `x-signet-rpc` its full name and `x-signet-allow` the caller kinds allowed), path and query
 * parameters from the `params` and `querystring` schemas, the request body from `body`, responses
 * from `response` plus the common error body, and mutual TLS as the security scheme.
 *
 * @example
 * ```ts
 * const doc = openApiDocument(routes, { title: 'Signet registrar admin API', version: '1.0.0' });
 * ```
 */
export function openApiDocument(routes: readonly RestRoute[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operations = (paths[path] ??= {});
    operations[route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description === undefined ? {} : { description: info.description }) },
    ...(info.servers === undefined ? {} : { servers: info.servers }),
    paths,
    components: {
      schemas: { Error: ERROR_BODY_SCHEMA },
      securitySchemes: { mtls: { type: 'mutualTLS', description: 'An X.509-SVID of this trust domain (or the local admin socket)' } },
    },
    security: [{ mtls: [] }],
  };
}

function operationOf(route: RestRoute): Record<string, unknown> {
  const name = route.rpc.slice(route.rpc.lastIndexOf('/') + 1);
  const parameters = [...parametersOf(route.schema.params, 'path'), ...parametersOf(route.schema.querystring, 'query')];
  const responses: Record<string, unknown> = {};
  const declared = route.schema.response ?? {};
  const success = declared[route.successStatus];
  responses[String(route.successStatus)] = {
    description: 'Success',
    ...(success === undefined ? {} : { content: { 'application/json': { schema: success } } }),
  };
  for (const [status, schema] of Object.entries(declared)) {
    if (Number(status) !== route.successStatus) responses[status] = { description: `Status ${status}`, content: { 'application/json': { schema } } };
  }
  responses.default = { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    operationId: name,
    ...(route.summary === undefined ? {} : { summary: route.summary }),
    ...(route.description === undefined ? {} : { description: route.description }),
    ...(route.tags.length === 0 ? {} : { tags: [...route.tags] }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(route.schema.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: route.schema.body } } } }),
    responses,
    'x-signet-rpc': route.rpc,
    'x-signet-allow': [...route.spec.allow],
  };
}

function parametersOf(schema: JsonSchemaObject | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  const properties = schema?.properties as Record<string, JsonSchemaObject> | undefined;
  if (properties === undefined) return [];
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}
