/**
 * The state machine of one state-of-the-world `StreamSecrets` stream. Pure: it takes a request
 * or a view change (as a {@link SecretLookup}) and returns the response to send, if any.
 *
 * Rules (docs/sds.md, "SotW"):
 * - Before our first response, every request is initial: any nonce (even one from an earlier
 *   stream) is ignored, and the latest name list wins. The first response carries every
 *   requested name that exists; names that do not exist are held.
 * - An empty nonce after our first response re-initialises: every requested name that exists is
 *   sent again.
 * - A nonce other than the latest is stale: the request is ignored, name changes included (the
 *   client repeats its names with its next ACK).
 * - An ACK or NACK (NACK = `error_detail` present) of the latest response applies the name list:
 *   added names that exist are sent (even if sent before), removed names are forgotten. Content
 *   already received is never re-sent because of a NACK.
 * - A view change sends, in one response, the subscribed names whose content differs from what
 *   the client last received; nothing when nothing differs.
 * @module
 */
import type { NackDetail, PushReason, SdsResource, SecretLookup } from './resource.js';
import { NO_NAMES, StreamStateBase, dedupe } from './stream-state.js';

/** The parts of a `DiscoveryRequest` the state machine reads. */
export interface SotwRequest {
  readonly resourceNames: readonly string[];
  readonly responseNonce: string;
  /** Present on a NACK only. */
  readonly errorDetail: NackDetail | undefined;
}

/** A `DiscoveryResponse` to send. */
export interface SotwResponse {
  /** Non-empty: a hash over every `name → version` the client has received on this stream. */
  readonly versionInfo: string;
  readonly nonce: string;
  /** At least one; no name twice. */
  readonly resources: readonly SdsResource[];
  readonly reason: PushReason;
}

/** How a request was read. */
export type SotwRequestKind = 'initial' | 'reinit' | 'ack' | 'nack' | 'stale-ack' | 'stale-nack';

/** The result of a request. */
export interface SotwOutcome {
  readonly kind: SotwRequestKind;
  readonly response: SotwResponse | undefined;
  /** For NACKs: the names of the NACKed response (as far as known). */
  readonly nackedNames: readonly string[];
}

/** The usual request: an ACK of the latest response that changes nothing. */
const PLAIN_ACK: SotwOutcome = Object.freeze({ kind: 'ack', response: undefined, nackedNames: NO_NAMES });

/** One SotW stream's protocol state. */
export class SotwStreamState extends StreamStateBase {
  /** `newNonce` must return a value unique within the stream (random in production). */
  constructor(newNonce: () => string) {
    super(newNonce);
  }

  /** Handles a request; `lookup` gives the secrets as of now. */
  onRequest(request: SotwRequest, lookup: SecretLookup): SotwOutcome {
    const names = dedupe(request.resourceNames);
    const nack = request.errorDetail !== undefined;
    if (this.lastNonce === undefined || request.responseNonce === '') {
      const kind = this.lastNonce === undefined ? 'initial' : 'reinit';
      this.#subscribe(names);
      return { kind, response: this.#respond(this.collect(names, lookup, 'all'), 'initial'), nackedNames: [] };
    }
    const nackedNames = nack ? this.namesOfResponse(request.responseNonce) : NO_NAMES;
    if (request.responseNonce !== this.lastNonce) {
      return { kind: nack ? 'stale-nack' : 'stale-ack', response: undefined, nackedNames };
    }
    if (this.#sameSubscription(names)) return nack ? { kind: 'nack', response: undefined, nackedNames } : PLAIN_ACK;
    const added = new Set(names.filter((name) => !this.subscribed.has(name)));
    this.#subscribe(names);
    return { kind: nack ? 'nack' : 'ack', response: this.#respond(this.collect(added, lookup, added), 'subscribe'), nackedNames };
  }

  /** Handles a view change: the subscribed secrets whose content the client lacks, in one response. */
  onView(lookup: SecretLookup): SotwResponse | undefined {
    return this.#respond(this.collect(this.subscribed, lookup, undefined), 'update');
  }

  /** Whether `names` (deduplicated) are exactly the subscribed names: the usual ACK, which changes nothing. */
  #sameSubscription(names: readonly string[]): boolean {
    if (names.length !== this.subscribed.size) return false;
    for (const name of names) if (!this.subscribed.has(name)) return false;
    return true;
  }

  #subscribe(names: readonly string[]): void {
    this.subscribed.clear();
    for (const name of names) this.subscribed.add(name);
    this.pruneSent();
  }

  #respond(resources: readonly SdsResource[], reason: PushReason): SotwResponse | undefined {
    const built = this.build(resources);
    return built === undefined ? undefined : { versionInfo: built.streamVersion, nonce: built.nonce, resources: built.resources, reason };
  }
}
