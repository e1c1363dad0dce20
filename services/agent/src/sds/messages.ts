/**
 * Translation between xDS messages (as `@grpc/proto-loader` decodes them, with `keepCase` and
 * `defaults`) and the state machines' requests and responses. Pure.
 * @module
 */
import type { NodeLike } from './node-form.js';
import { ApiError } from '@signet/platform';
import { SECRET_TYPE_URL, sdsProtos } from './protos.js';
import type { DeltaRequest, DeltaResponse } from './delta-state.js';
import type { NackDetail } from './resource.js';
import type { SotwRequest } from './sotw-state.js';
import { NO_NAMES } from './stream-state.js';

/**
 * The Envoy node of a request: decoded here when the request carries it as raw bytes (how the
 * server reads `StreamSecrets`), as it is otherwise. Throws an `invalid_argument` error naming the
 * field when the bytes are not a `Node`.
 */
export function requestNode(message: { readonly node?: NodeLike | Uint8Array | null }): NodeLike | null {
  const node = message.node;
  if (node == null) return null;
  if (!(node instanceof Uint8Array)) return node;
  if (node.byteLength === 0) return null;
  try {
    return sdsProtos().Node.decode(node) as unknown as NodeLike;
  } catch (err) {
    throw ApiError.invalid('node', `not a valid envoy.config.core.v3.Node (${(err as Error).message})`);
  }
}

/** A decoded `DiscoveryRequest` (only the fields read). */
export interface DiscoveryRequestMessage {
  readonly version_info?: string;
  /** Raw bytes as the server decodes `StreamSecrets` (see `requestNode`), or decoded. */
  readonly node?: NodeLike | Uint8Array | null;
  readonly resource_names?: readonly string[] | null;
  readonly type_url?: string;
  readonly response_nonce?: string;
  readonly error_detail?: { readonly code?: number; readonly message?: string } | null;
}

/** A decoded `DeltaDiscoveryRequest` (only the fields read). */
export interface DeltaDiscoveryRequestMessage {
  readonly node?: NodeLike | null;
  readonly type_url?: string;
  readonly resource_names_subscribe?: readonly string[] | null;
  readonly resource_names_unsubscribe?: readonly string[] | null;
  readonly initial_resource_versions?: Readonly<Record<string, string>> | null;
  readonly response_nonce?: string;
  readonly error_detail?: { readonly code?: number; readonly message?: string } | null;
}

/** A `DiscoveryResponse` as grpc-js serializes it. */
export interface DiscoveryResponseMessage {
  readonly version_info: string;
  readonly resources: readonly { readonly type_url: string; readonly value: Uint8Array }[];
  readonly type_url: string;
  readonly nonce: string;
  readonly canary: boolean;
}

/** A `DeltaDiscoveryResponse` as grpc-js serializes it. */
export interface DeltaDiscoveryResponseMessage {
  readonly system_version_info: string;
  readonly resources: readonly {
    readonly name: string;
    readonly version: string;
    readonly resource: { readonly type_url: string; readonly value: Uint8Array };
    readonly aliases: readonly string[];
  }[];
  readonly type_url: string;
  readonly removed_resources: readonly string[];
  readonly nonce: string;
}

function nackDetail(detail: { readonly code?: number; readonly message?: string } | null | undefined): NackDetail | undefined {
  if (detail == null) return undefined;
  return { code: Number(detail.code ?? 0), message: String(detail.message ?? '') };
}

/** The strings of `list` (the list itself when it holds nothing else, as decoded requests do). */
function strings(list: readonly string[] | null | undefined): readonly string[] {
  if (!Array.isArray(list)) return NO_NAMES;
  for (const s of list) if (typeof s !== 'string') return list.filter((x): x is string => typeof x === 'string');
  return list;
}

/** The state machine's view of a `DiscoveryRequest`. */
export function readSotwRequest(message: DiscoveryRequestMessage): SotwRequest {
  return {
    resourceNames: strings(message.resource_names),
    responseNonce: typeof message.response_nonce === 'string' ? message.response_nonce : '',
    errorDetail: nackDetail(message.error_detail),
  };
}

/** The state machine's view of a `DeltaDiscoveryRequest`. */
export function readDeltaRequest(message: DeltaDiscoveryRequestMessage): DeltaRequest {
  const initial = new Map<string, string>();
  for (const [name, version] of Object.entries(message.initial_resource_versions ?? {})) {
    if (typeof version === 'string') initial.set(name, version);
  }
  return {
    subscribe: strings(message.resource_names_subscribe),
    unsubscribe: strings(message.resource_names_unsubscribe),
    initialVersions: initial,
    responseNonce: typeof message.response_nonce === 'string' ? message.response_nonce : '',
    errorDetail: nackDetail(message.error_detail),
  };
}

/**
 * Folds SotW requests received before the stream could be served (while its caller was being
 * attested) into one: nothing was sent yet, so each superseded the previous one; the latest name
 * list wins.
 */
export function coalesceSotw(requests: readonly SotwRequest[]): SotwRequest | undefined {
  const last = requests.at(-1);
  return last === undefined ? undefined : { resourceNames: last.resourceNames, responseNonce: '', errorDetail: undefined };
}

/**
 * Folds Delta requests received before the stream could be served into one: subscription
 * changes applied in order, initial versions from the first request that has them.
 */
export function coalesceDelta(requests: readonly DeltaRequest[]): DeltaRequest | undefined {
  if (requests.length === 0) return undefined;
  const names = new Set<string>();
  const initialVersions = new Map<string, string>();
  for (const request of requests) {
    for (const name of request.unsubscribe) names.delete(name);
    for (const name of request.subscribe) names.add(name);
    for (const [name, version] of request.initialVersions) if (!initialVersions.has(name)) initialVersions.set(name, version);
  }
  return { subscribe: [...names], unsubscribe: [], initialVersions, responseNonce: '', errorDetail: undefined };
}

/** The `DeltaDiscoveryResponse` of a Delta response; `removed_resources` is always empty. */
export function deltaResponseMessage(response: DeltaResponse): DeltaDiscoveryResponseMessage {
  return {
    system_version_info: response.systemVersionInfo,
    resources: response.resources.map((r) => ({ name: r.name, version: r.version, resource: r.any, aliases: [] })),
    type_url: SECRET_TYPE_URL,
    removed_resources: [],
    nonce: response.nonce,
  };
}
