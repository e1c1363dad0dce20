/**
 * Fastify's own errors (schema violations, unparsable bodies, unknown routes) as the API's JSON
 * errors, through `toHttpStatus`.
 * @module
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, type ApiCode } from '../api/api-error.js';
import { toHttpStatus } from '../api/status-map.js';
import { isAudited, writeAudit } from '../grpc/audit.js';
import type { Logger } from '../log/logger.js';
import { resolvedCallerOf } from './http-caller.js';
import type { RestRoute } from './rest-route.js';
import { validationApiError } from './validation-error.js';

/** API codes of the client errors fastify raises by HTTP status. */
const CLIENT_STATUS: Readonly<Record<number, ApiCode>> = {
  400: 'invalid_argument',
  404: 'not_found',
  405: 'unimplemented',
  413: 'invalid_argument',
  415: 'invalid_argument',
  429: 'resource_exhausted',
};

/**
 * Installs the error and not-found handlers on `app`: a schema violation answers 400
 * `{error:{code:'invalid_argument', message:'body.selectors[0].type: must be string', field}}`;
 * fastify's other client errors keep their status (413, 415, …) with an API body; anything else
 * goes through `toHttpStatus` (internal errors are logged and hidden). Refused calls of audited
 * routes are audited.
 */
export function installErrorHandlers(app: FastifyInstance, deps: { readonly logger: Logger; readonly routes: readonly RestRoute[] }): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status: number | undefined;
    let apiError: unknown = error;
    if (Array.isArray(error.validation)) {
      apiError = validationApiError(error.validationContext ?? 'body', error.validation);
    } else if (!(error instanceof ApiError) && typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      apiError = new ApiError(CLIENT_STATUS[error.statusCode] ?? 'invalid_argument', error.message);
    }
    const mapped = toHttpStatus(apiError);
    if (mapped.error.internal) deps.logger.error({ err: error, url: request.url }, 'http: internal error');
    auditRefusal(deps, request, mapped.error.apiCode);
    return reply.code(status ?? mapped.status).send(mapped.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = toHttpStatus(new ApiError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
    return reply.code(status).send(body);
  });
}

function auditRefusal(deps: { readonly logger: Logger; readonly routes: readonly RestRoute[] }, request: FastifyRequest, code: ApiCode): void {
  const route = deps.routes.find((r) => r.method === request.routeOptions.method && r.url === request.routeOptions.url);
  const resolved = resolvedCallerOf(request.raw);
  if (route === undefined || resolved === undefined || !isAudited(route.spec, resolved.caller)) return;
  writeAudit(deps.logger, { transport: 'http', method: route.rpc, caller: resolved.caller, code, durationMs: 0, fields: {} });
}
