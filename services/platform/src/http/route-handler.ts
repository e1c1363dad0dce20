/**
 * Registering a {@link RestRoute} on fastify: the handler runs the method's spec through the
 * same `invoke` as gRPC calls.
 * @module
 */
import { propagation, ROOT_CONTEXT, type Span } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { UnaryHandler } from '../api/handler.js';
import { toHttpStatus } from '../api/status-map.js';
import { CallAbort } from '../grpc/call-abort.js';
import type { CallTracker } from '../grpc/call-tracker.js';
import { invoke, type CallOutcome, type InvokeDeps } from '../grpc/invoke.js';
import { resolvedCallerOf } from './http-caller.js';
import { coerceParameters, type RestRoute } from './rest-route.js';

/** What route handlers share. */
export interface RouteDeps {
  readonly deps: InvokeDeps;
  readonly calls: CallTracker;
}

/** Adds `route` to `app`. */
export function registerRoute(app: FastifyInstance, route: RestRoute, shared: RouteDeps): void {
  const handler = route.spec.handler as UnaryHandler<unknown, unknown>;
  app.route({
    method: route.method,
    url: route.url,
    schema: {
      ...(route.schema.params === undefined ? {} : { params: route.schema.params }),
      ...(route.schema.querystring === undefined ? {} : { querystring: route.schema.querystring }),
      ...(route.schema.body === undefined ? {} : { body: route.schema.body }),
      ...(route.schema.response === undefined ? {} : { response: route.schema.response }),
    },
    preValidation: async (request) => {
      coerceParameters(request.query as Record<string, unknown>, route.schema.querystring);
      coerceParameters(request.params as Record<string, unknown>, route.schema.params);
    },
    handler: async (request, reply) => {
      const resolved = resolvedCallerOf(request.raw);
      if (resolved === undefined) throw new Error('http: no caller was established for this request');
      const abort = new CallAbort();
      const untrack = shared.calls.track(abort, false);
      const onClose = (): void => {
        if (!reply.raw.writableFinished) abort.abort('cancelled');
      };
      reply.raw.once('close', onClose);
      let body: unknown;
      try {
        const outcome = await invoke(
          shared.deps,
          {
            transport: 'http',
            method: route.rpc,
            spec: route.spec,
            resolved,
            abort,
            parent: propagation.extract(ROOT_CONTEXT, request.headers),
            attributes: { 'http.request.method': route.method, 'http.route': route.url },
          },
          async (ctx) => {
            const decoded = route.decodeRequest({
              params: (request.params ?? {}) as Record<string, unknown>,
              query: (request.query ?? {}) as Record<string, unknown>,
              body: request.body,
            });
            body = route.encodeResponse(await handler(decoded, ctx));
          },
          (result: CallOutcome, span: Span) => {
            span.setAttribute('http.response.status_code', result.ok ? route.successStatus : toHttpStatus(result.error).status);
          },
        );
        // Admin answers (join tokens among them) are never to be stored by a cache or proxy.
        reply.header('cache-control', 'no-store');
        if (outcome.ok) return reply.code(route.successStatus).send(body);
        const failure = toHttpStatus(outcome.error);
        if (failure.error.retryAfterMs !== undefined) {
          reply.header('retry-after', String(Math.max(1, Math.ceil(failure.error.retryAfterMs / 1000))));
        }
        return reply.code(failure.status).send(failure.body);
      } finally {
        reply.raw.off('close', onClose);
        untrack();
      }
    },
  });
}
