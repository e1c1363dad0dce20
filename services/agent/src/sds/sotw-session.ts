/**
 * A `StreamSecrets` (state of the world) stream: {@link StreamSession} bound to
 * {@link SotwStreamState}.
 * @module
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { coalesceSotw, readSotwRequest, type DiscoveryRequestMessage } from './messages.js';
import { SotwWireMessage } from './response-wire.js';
import type { SdsResource, SecretLookup } from './resource.js';
import { SotwStreamState, type SotwOutcome, type SotwRequest, type SotwResponse } from './sotw-state.js';
import { StreamSession, type StreamSessionDeps } from './stream-session.js';
import type { SdsApi } from './telemetry.js';

/** One SotW stream. */
export class SotwSession extends StreamSession<DiscoveryRequestMessage, SotwRequest, SotwResponse> {
  readonly api: SdsApi = 'sotw';
  readonly #state: SotwStreamState;

  constructor(id: string, call: ServerDuplexStream<DiscoveryRequestMessage, object>, deps: StreamSessionDeps, newNonce: () => string) {
    super(id, call, deps);
    this.#state = new SotwStreamState(newNonce);
  }

  protected read(message: DiscoveryRequestMessage): SotwRequest {
    return readSotwRequest(message);
  }

  protected coalesce(requests: readonly SotwRequest[]): SotwRequest | undefined {
    return coalesceSotw(requests);
  }

  protected onRequest(request: SotwRequest, lookup: SecretLookup): SotwOutcome {
    return this.#state.onRequest(request, lookup);
  }

  protected onView(lookup: SecretLookup): SotwResponse | undefined {
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

  /** Encoded by the serializer, as grpc-js frames it (`encodeSotwResponseTransient`). */
  protected toMessage(response: SotwResponse): object {
    return new SotwWireMessage(response);
  }
}
