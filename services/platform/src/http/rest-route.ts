/**
 * REST routes that call the same {@link MethodSpec} as a gRPC method: the request is decoded
 * into exactly what the gRPC handler would receive (through the method's own protobuf
 * serializer), so one handler serves both transports.
 * @module
 */
import type { MethodDefinition } from '@grpc/grpc-js';
import { ApiError } from '../api/api-error.js';
import type { MethodSpec } from '../api/handler.js';

/** JSON schemas of a route's parts (JSON Schema draft-07 / 2020-12 compatible). */
export interface RestRouteSchema {
  readonly params?: JsonSchemaObject;
  readonly querystring?: JsonSchemaObject;
  readonly body?: JsonSchemaObject;
  /** Response schemas by HTTP status. */
  readonly response?: Readonly<Record<number, JsonSchemaObject>>;
}

/** A JSON schema. */
export type JsonSchemaObject = Readonly<Record<string, unknown>>;

/** The HTTP methods a route may use. */
export type RestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The parts of a request a route's request builder sees. */
export interface RestRequestParts {
  readonly params: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

/** A REST route bound to a method of a service. Build it with {@link routeFromMethod}. */
export interface RestRoute {
  readonly method: RestMethod;
  /** Fastify path, e.g. `/v1/entries/:id`. */
  readonly url: string;
  /** `package.Service/Method` of the gRPC method, used for the call context, spans and audit. */
  readonly rpc: string;
  readonly spec: MethodSpec<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly schema: RestRouteSchema;
  readonly successStatus: number;
  readonly summary: string | undefined;
  readonly description: string | undefined;
  readonly tags: readonly string[];
  /** The handler's request, decoded from the HTTP request. Throws an `invalid_argument` ApiError. */
  decodeRequest(parts: RestRequestParts): unknown;
  /** The JSON body for the handler's response. */
  encodeResponse(response: unknown): unknown;
}

/** Options of {@link routeFromMethod}. */
export interface RouteFromMethodOptions {
  /** The gRPC method, from its service definition, e.g. `signetProtos().registrar.CreateEntries`. */
  readonly rpc: MethodDefinition<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly method: RestMethod;
  readonly url: string;
  readonly schema?: RestRouteSchema;
  /** HTTP status of a success (default 200). */
  readonly successStatus?: number;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  /** Builds the proto-shaped request from the HTTP parts (default: query, body and path values merged; the path wins). */
  readonly request?: (parts: RestRequestParts) => unknown;
  /**
   * Builds the JSON body from the response as a gRPC client would decode it (default: that
   * response itself). Bytes are then written as base64.
   */
  readonly response?: (response: any) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A REST route calling `spec`, the handler of the gRPC method `options.rpc`. The request is
 * built from the HTTP parts, then passed through the gRPC method's serializer and deserializer,
 * so the handler sees what a gRPC call would give it: snake_case fields, defaults for missing
 * fields, 64-bit integers as strings, enums as names, `bytes` as Buffers (base64 in JSON). The
 * response goes through the method's response serializer and deserializer the same way, so the
 * JSON body holds every field of the message with its default, as a gRPC client would see it.
 * Only unary methods can be routes.
 *
 * Query and path values are strings on the wire; they are converted to the `integer`, `number`,
 * `boolean` or `array` type their schema declares before validation. Bodies are validated strictly
 * (no type coercion, unknown properties refused when the schema says `additionalProperties: false`).
 *
 * @example
 * ```ts
 * const routes = [
 *   routeFromMethod(registrar.CreateEntries, { rpc: protos.registrar.CreateEntries, method: 'POST', url: '/v1/entries', schema: { body: createEntriesSchema } }),
 *   routeFromMethod(registrar.GetEntry, { rpc: protos.registrar.GetEntry, method: 'GET', url: '/v1/entries/:id' }),
 * ];
 * adminHttp.addRoutes(routes);
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function routeFromMethod(spec: MethodSpec<any, any>, options: RouteFromMethodOptions): RestRoute {
  if (spec.type !== 'unary') throw new TypeError(`routeFromMethod: ${options.rpc.path.slice(1)} is ${spec.type}; only unary methods can be REST routes`);
  if (options.rpc.requestStream || options.rpc.responseStream) throw new TypeError(`routeFromMethod: ${options.rpc.path.slice(1)} is a streaming method`);
  const rpc = options.rpc;
  const build = options.request ?? mergeParts;
  const shape = options.response ?? ((response: unknown) => response);
  return Object.freeze({
    method: options.method,
    url: options.url,
    rpc: rpc.path.slice(1),
    spec,
    schema: options.schema ?? {},
    successStatus: options.successStatus ?? 200,
    summary: options.summary,
    description: options.description,
    tags: options.tags ?? [],
    decodeRequest(parts: RestRequestParts): unknown {
      const shaped = build(parts);
      let wire: Buffer;
      try {
        wire = rpc.requestSerialize(shaped);
      } catch (err) {
        throw new ApiError('invalid_argument', `body: ${(err as Error).message}`, { field: 'body', cause: err });
      }
      return rpc.requestDeserialize(wire);
    },
    encodeResponse(response: unknown): unknown {
      return jsonSafe(shape(rpc.responseDeserialize(rpc.responseSerialize(response))));
    },
  });
}

function mergeParts(parts: RestRequestParts): unknown {
  const body = parts.body !== null && typeof parts.body === 'object' && !Array.isArray(parts.body) ? parts.body : {};
  return { ...parts.query, ...body, ...parts.params };
}

/** `value` with every Buffer or Uint8Array replaced by its base64 text (proto3 JSON's form of `bytes`). */
export function jsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}

/**
 * Converts string query or path values to the types `schema` declares for them: `integer` and
 * `number` from decimal text, `boolean` from `true`/`false`, `array` from one or more values.
 * Values that do not convert are left as they are, for validation to refuse.
 */
export function coerceParameters(values: Record<string, unknown>, schema: JsonSchemaObject | undefined): void {
  const properties = schema?.properties as Record<string, JsonSchemaObject> | undefined;
  if (properties === undefined) return;
  for (const [name, property] of Object.entries(properties)) {
    const value = values[name];
    if (value === undefined) continue;
    if (property.type === 'array') {
      const list = Array.isArray(value) ? value : [value];
      values[name] = list.map((v) => coerceScalar(v, (property.items as JsonSchemaObject | undefined)?.type));
    } else {
      values[name] = coerceScalar(value, property.type);
    }
  }
}

function coerceScalar(value: unknown, type: unknown): unknown {
  if (typeof value !== 'string') return value;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
