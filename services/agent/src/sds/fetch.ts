/**
 * `FetchSecrets` (unary): the current content of the requested secrets, for tools and tests
 * (Envoy never calls it). No subscription state is created.
 * @module
 */
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Tracer } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Logger } from '@signet/platform';
import { ApiError, toGrpcStatus } from '@signet/platform';
import type { CallerAttestation } from '../endpoint/types.js';
import { setVersion } from './digest.js';
import type { ResolvedSdsConfig } from './config.js';
import type { SdsHub } from './hub.js';
import { readSotwRequest, requestNode, type DiscoveryRequestMessage, type DiscoveryResponseMessage } from './messages.js';
import { validatorFormFor } from './node-form.js';
import { SECRET_TYPE_URL } from './protos.js';
import type { SdsResource } from './resource.js';
import { dedupe } from './stream-state.js';

/** Dependencies of the FetchSecrets handler. */
export interface FetchDeps {
  readonly hub: SdsHub;
  readonly attestation: CallerAttestation;
  readonly config: ResolvedSdsConfig;
  readonly logger: Logger;
  readonly tracer: Tracer;
}

/** How many requested names an error message lists. */
const NAMES_IN_MESSAGES = 10;

/**
 * The FetchSecrets handler. Known names are returned (request order, no duplicates) with a
 * non-empty `version_info` (a hash over the returned `name → version` pairs) and an empty nonce;
 * unknown or unauthorized names are omitted; when none is known the call fails with NOT_FOUND
 * naming them; an empty name list is INVALID_ARGUMENT.
 */
export function fetchSecretsHandler(deps: FetchDeps) {
  return (call: ServerUnaryCall<DiscoveryRequestMessage, DiscoveryResponseMessage>, callback: sendUnaryData<DiscoveryResponseMessage>): void => {
    const span = deps.tracer.startSpan('sds.FetchSecrets');
    void fetchSecrets(deps, call).then(
      (response) => {
        span.setAttribute('sds.resources', response.resources.length);
        span.end();
        callback(null, response);
      },
      (err: unknown) => {
        const status = toGrpcStatus(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: status.error.apiCode });
        span.end();
        if (status.error.internal) deps.logger.error({ err }, 'FetchSecrets failed');
        else deps.logger.debug({ code: status.error.apiCode, reason: status.details }, 'FetchSecrets refused');
        callback({ code: status.code, details: status.details });
      },
    );
  };
}

async function fetchSecrets(deps: FetchDeps, call: ServerUnaryCall<DiscoveryRequestMessage, DiscoveryResponseMessage>): Promise<DiscoveryResponseMessage> {
  const { selectors } = await deps.attestation.attestCaller(call);
  const message = call.request ?? {};
  const names = dedupe(readSotwRequest(message).resourceNames);
  if (names.length === 0) throw ApiError.invalid('resource_names', 'at least one secret name is required');
  const form = validatorFormFor(requestNode(message), deps.config.disableSpiffeCertValidation);
  const catalog = deps.hub.currentCatalog(selectors);
  const resources = names.map((name) => catalog.resolve(name, form)).filter((r): r is SdsResource => r !== undefined);
  if (resources.length === 0) {
    const listed = names.slice(0, NAMES_IN_MESSAGES).map((n) => JSON.stringify(n));
    const more = names.length > NAMES_IN_MESSAGES ? ` and ${names.length - NAMES_IN_MESSAGES} more` : '';
    throw new ApiError('not_found', `no secret named ${listed.join(', ')}${more} is available to this workload`);
  }
  return {
    version_info: setVersion(resources.map((r) => [r.name, r.version] as const)),
    resources: resources.map((r) => r.any),
    type_url: SECRET_TYPE_URL,
    nonce: '',
    canary: false,
  };
}
