/**
 * A `DeltaSecrets` (incremental) stream: {@link StreamSession} bound to {@link DeltaStreamState}.
 * @module
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { DeltaStreamState, type DeltaOutcome, type DeltaRequest, type DeltaResponse } from './delta-state.js';
import { coalesceDelta, deltaResponseMessage, readDeltaRequest, type DeltaDiscoveryRequestMessage } from './messages.js';
import type { SdsResource, SecretLookup } from './resource.js';
import { StreamSession, type StreamSessionDeps } from './stream-session.js';
import type { SdsApi } from './telemetry.js';

/** One Delta stream. */
export class DeltaSession extends StreamSession<DeltaDiscoveryRequestMessage, DeltaRequest, DeltaResponse> {
  readonly api: SdsApi = 'delta';
  readonly #state: DeltaStreamState;

  constructor(id: string, call: ServerDuplexStream<DeltaDiscoveryRequestMessage, object>, deps: StreamSessionDeps, newNonce: () => string) {
    super(id, call, deps);
    this.#state = new DeltaStreamState(newNonce);
  }

  protected read(message: DeltaDiscoveryRequestMessage): DeltaRequest {
    return readDeltaRequest(message);
  }

  protected coalesce(requests: readonly DeltaRequest[]): DeltaRequest | undefined {
    return coalesceDelta(requests);
  }

  protected onRequest(request: DeltaRequest, lookup: SecretLookup): DeltaOutcome {
    return this.#state.onRequest(request, lookup);
  }

  protected onView(lookup: SecretLookup): DeltaResponse | undefined {
    return this.#state.onView(lookup);
  }

  protected preview(lookup: SecretLookup): readonly SdsResource[] {
    return this.#state.preview(lookup);
  }

  protected subscribesAny(test: (name: string) => boolean): boolean {
    return this.#state.someSubscribed(test);
  }

  protected get lastNonce(): string | undefined {
    return this.#state.lastNonce;
  }

  protected toMessage(response: DeltaResponse): object {
    return deltaResponseMessage(response);
  }
}
