/**
 * What a REST route of the registrar is: an HTTP method and path, the gRPC method it calls, the
 * JSON schemas of its parts, and the two small functions that turn the HTTP request into the
 * gRPC request and the gRPC response into the HTTP body. The table is plain data, so any
 * transport can mount it (`registrarRestRoutes` binds it with the platform's `routeFromMethod`), and
 * the OpenAPI document is generated from the same schemas (the platform's `openApiDocument`).
 * @module
 */
import { ApiError, apiCodeOfGrpc } from '@signet/platform';
import type { RegistrarServiceImpl } from '../api/registrar/v1/service.js';
import type { ItemStatus__Output } from '../api/wire.js';
import type { JsonSchema } from './schemas.js';

/** The parts of an HTTP request a route reads. */
export interface HttpRequestParts {
  readonly params: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

/** One REST route. */
export interface RegistrarRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The OpenAPI path, e.g. `/v1/entries/{id}` or `/v1/agents/{spiffe_id}/ban`. */
  readonly path: string;
  /** The gRPC method called (also the OpenAPI operationId: one route per method). */
  readonly rpc: keyof RegistrarServiceImpl;
  readonly summary: string;
  /** HTTP status of a success. */
  readonly status: number;
  readonly schema: {
    readonly params?: JsonSchema;
    readonly querystring?: JsonSchema;
    readonly body?: JsonSchema;
    /** The success body; absent for 204. */
    readonly response?: JsonSchema;
  };
  /** The OpenAPI tag (the resource: `entries`, `agents`, ...). */
  readonly tag: string;
  /** Builds the gRPC request; throws `ApiError` for a bad parameter. */
  toRequest(http: HttpRequestParts): unknown;
  /** Builds the HTTP body from the gRPC response (as a client decodes it); throws to answer with an error instead. */
  toBody(response: unknown): unknown;
}

/** The fastify form of an OpenAPI path: `{id}` → `:id`, a literal `:` → `::`. */
export function fastifyPath(path: string): string {
  return path.replace(/:/g, '::').replace(/\{([a-z_]+)\}/g, ':$1');
}

/** The response as the body, unchanged (bytes become base64 in the transport). */
export function sameBody(response: unknown): unknown {
  return response;
}

/**
 * For single-item routes over a batch method: the item's entry, or its status as an error whose
 * field and message lose the batch prefix (`entries[0].spiffe_id` becomes `spiffe_id`; the
 * item itself, `entries[0]`, becomes `whole`).
 */
export function singleItem<T>(result: { status: ItemStatus__Output | null; entry: T | null } | undefined, list: string, whole: string): T {
  const status = result?.status;
  if (status !== null && status !== undefined && status.code !== 0) {
    const prefix = `${list}[0]`;
    const strip = (text: string): string =>
      text.startsWith(`${prefix}.`) ? text.slice(prefix.length + 1) : text.startsWith(prefix) ? whole + text.slice(prefix.length) : text;
    const field = status.field === '' ? undefined : strip(status.field);
    throw new ApiError(apiCodeOfGrpc(status.code), strip(status.message), field === undefined ? {} : { field });
  }
  if (result?.entry === null || result?.entry === undefined) throw new ApiError('internal', 'batch result without an entry');
  return result.entry;
}

/** A query parameter that may be repeated, as a list. */
export function queryList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** A query parameter as a string (`''` when absent). */
export function queryString(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** A query parameter as a number (0 when absent). */
export function queryInt(value: unknown): number {
  return value === undefined || value === null || value === '' ? 0 : Number(value);
}
