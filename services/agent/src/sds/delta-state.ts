/**
 * The state machine of one incremental `DeltaSecrets` stream. Pure, like the SotW one.
 *
 * Rules (docs/sds.md, "Delta"):
 * - Subscription changes are applied from every request, whatever its nonce (a nonce only
 *   correlates an ACK/NACK, NACK = `error_detail` present). Unsubscribing a name never
 *   subscribed is ignored.
 * - Every name in `resource_names_subscribe` that exists is sent, even if the client is believed
 *   to have it — except, on the first request of the stream, names whose version in
 *   `initial_resource_versions` equals the current one (versions are content hashes, meaningful
 *   across streams and agent restarts).
 * - Names that do not exist are held: never reported in `removed_resources` (Envoy would end
 *   warming without a certificate), sent once they exist.
 * - ACKs and NACKs get no response; NACKed content is not re-sent.
 * - A view change sends, in one response, the subscribed names whose content differs from what
 *   the client last received.
 * @module
 */
import type { NackDetail, PushReason, SdsResource, SecretLookup } from './resource.js';
import { StreamStateBase, dedupe } from './stream-state.js';

/** The parts of a `DeltaDiscoveryRequest` the state machine reads. */
export interface DeltaRequest {
  readonly subscribe: readonly string[];
  readonly unsubscribe: readonly string[];
  /** name → version the client has (first request of a stream only). */
  readonly initialVersions: ReadonlyMap<string, string>;
  readonly responseNonce: string;
  /** Present on a NACK only. */
  readonly errorDetail: NackDetail | undefined;
}

/** A `DeltaDiscoveryResponse` to send. */
export interface DeltaResponse {
  readonly nonce: string;
  /** Debug only: a hash over every `name → version` the client has received on this stream. */
  readonly systemVersionInfo: string;
  /** At least one; no name twice; each carries its own content version. */
  readonly resources: readonly SdsResource[];
  readonly reason: PushReason;
}

/** How a request was read: `initial` (first of the stream), `request` (no nonce), or an ACK/NACK. */
export type DeltaRequestKind = 'initial' | 'request' | 'ack' | 'nack';

/** The result of a request. */
export interface DeltaOutcome {
  readonly kind: DeltaRequestKind;
  readonly response: DeltaResponse | undefined;
  /** For NACKs: the names of the NACKed response (as far as known). */
  readonly nackedNames: readonly string[];
}

/** One Delta stream's protocol state. */
export class DeltaStreamState extends StreamStateBase {
  #started = false;

  /** `newNonce` must return a value unique within the stream (random in production). */
  constructor(newNonce: () => string) {
    super(newNonce);
  }

  /** Handles a request; `lookup` gives the secrets as of now. */
  onRequest(request: DeltaRequest, lookup: SecretLookup): DeltaOutcome {
    const first = !this.#started;
    this.#started = true;
    const nack = request.responseNonce !== '' && request.errorDetail !== undefined;
    const kind: DeltaRequestKind = request.responseNonce !== '' ? (nack ? 'nack' : 'ack') : first ? 'initial' : 'request';
    const nackedNames = nack ? this.namesOfResponse(request.responseNonce) : [];

    for (const name of request.unsubscribe) {
      this.subscribed.delete(name);
      this.sent.delete(name);
    }
    const subscribe = dedupe(request.subscribe);
    const forced = new Set<string>();
    for (const name of subscribe) {
      this.subscribed.add(name);
      if (first && request.initialVersions.has(name)) this.sent.set(name, request.initialVersions.get(name) as string);
      else forced.add(name);
    }
    if (first) this.pruneSent();
    const response = this.#respond(this.collect(subscribe, lookup, forced), first ? 'initial' : 'subscribe');
    return { kind, response, nackedNames };
  }

  /** Handles a view change: the subscribed secrets whose content the client lacks, in one response. */
  onView(lookup: SecretLookup): DeltaResponse | undefined {
    return this.#respond(this.collect(this.subscribed, lookup, undefined), 'update');
  }

  #respond(resources: readonly SdsResource[], reason: PushReason): DeltaResponse | undefined {
    const built = this.build(resources);
    return built === undefined ? undefined : { nonce: built.nonce, systemVersionInfo: built.streamVersion, resources: built.resources, reason };
  }
}
