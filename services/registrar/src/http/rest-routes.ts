/**
 * The registrar's REST routes for the platform's admin HTTP server: each entry of the route
 * table bound, with `routeFromMethod`, to the handler of its gRPC method. Requests and responses
 * pass through the method's protobuf codec, so REST callers get exactly what gRPC callers get;
 * the server establishes callers, enforces the methods' `allow` policy, audits and maps errors.
 *
 * @example
 * ```ts
 * const http = createAdminHttpServer({ logger, listen: { path: adminHttpSocket } });
 * http.addRoutes(registrarRestRoutes(registrar.service));
 * http.serveOpenApi(REGISTRAR_OPENAPI_INFO, OPENAPI_PATH);
 * await http.listen();
 * ```
 * @module
 */
import { routeFromMethod, signetProtos, type RegistrarDefinition, type RestRoute } from '@signet/platform';
import type { RegistrarServiceImpl } from '../api/registrar/v1/service.js';
import { fastifyPath, type RegistrarRoute } from './route.js';
import { registrarRoutes } from './routes.js';

/** Binds `routes` (default: all of them) to the handlers of `service`. */
export function registrarRestRoutes(
  service: RegistrarServiceImpl,
  routes: readonly RegistrarRoute[] = registrarRoutes,
  definition: RegistrarDefinition = signetProtos().registrar,
): RestRoute[] {
  return routes.map((route) =>
    routeFromMethod(service[route.rpc], {
      rpc: definition[route.rpc],
      method: route.method,
      url: fastifyPath(route.path),
      schema: {
        ...(route.schema.params === undefined ? {} : { params: route.schema.params }),
        ...(route.schema.querystring === undefined ? {} : { querystring: route.schema.querystring }),
        ...(route.schema.body === undefined ? {} : { body: route.schema.body }),
        ...(route.schema.response === undefined ? {} : { response: { [route.status]: route.schema.response } }),
      },
      successStatus: route.status,
      summary: route.summary,
      tags: [route.tag],
      request: (parts) => route.toRequest(parts),
      response: (response) => route.toBody(response),
    }),
  );
}
