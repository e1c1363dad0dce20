/**
 * REST plumbing for the registrar's admin API: the fastify server with SPIFFE callers, routes
 * calling the gRPC methods' handlers, error mapping, and the OpenAPI document.
 * @module
 */
export { createAdminHttpServer } from './admin-server.js';
export type { AdminHttpAddress, AdminHttpListen, AdminHttpServer, AdminHttpServerOptions } from './admin-server.js';
export { coerceParameters, jsonSafe, routeFromMethod } from './rest-route.js';
export type { JsonSchemaObject, RestMethod, RestRequestParts, RestRoute, RestRouteSchema, RouteFromMethodOptions } from './rest-route.js';
export { ERROR_BODY_SCHEMA, openApiDocument } from './openapi.js';
export type { OpenApiInfo } from './openapi.js';
export { fieldOfIssue, validationApiError } from './validation-error.js';
export type { SchemaValidationIssue } from './validation-error.js';
export { callerOf } from './http-caller.js';
export { BodyIncompleteError, BodyTooLargeError, readBoundedBody } from './bounded-body.js';
