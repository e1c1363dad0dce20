/**
 * The gRPC glue of one SDS stream (SotW or Delta): attests the caller at the first request,
 * joins the caller's view group, feeds requests and view changes to the protocol state machine
 * and writes its responses. Writes never wait on each other across streams; a stream whose
 * write buffer is full skips pushes and catches up with the latest content once it drains.
 * @module
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Clock, Logger } from '@signet/platform';
import { toGrpcStatus } from '@signet/platform';
import type { CallerAttestation } from '../endpoint/types.js';
import type { SecretCatalog } from './catalog.js';
import type { ResolvedSdsConfig } from './config.js';
import type { SdsHub } from './hub.js';
import { validatorFormFor, type NodeLike } from './node-form.js';
import { requestNode } from './messages.js';
import type { NackDetail, PushReason, SdsResource, SecretLookup, ValidatorForm } from './resource.js';
import type { RotationGate } from './rotation-gate.js';
import type { SdsApi, SdsTelemetry } from './telemetry.js';
import type { GroupMember, PushResult, ViewGroup } from './view-group.js';

/** What every stream session needs. */
export interface StreamSessionDeps {
  readonly hub: SdsHub;
  readonly gate: RotationGate;
  readonly attestation: CallerAttestation;
  readonly telemetry: SdsTelemetry;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly config: ResolvedSdsConfig;
  /** Called once the session has released everything. */
  readonly onClosed: (session: { readonly id: string }) => void;
}

/** A request as the session needs it: the machine's request plus its nonce and NACK detail. */
export interface SessionRequest {
  readonly responseNonce: string;
  readonly errorDetail: NackDetail | undefined;
}

/** A response as the session needs it. */
export interface SessionResponse {
  readonly nonce: string;
  readonly resources: readonly SdsResource[];
  readonly reason: PushReason;
}

/** How a request was classified by the machine. */
export interface SessionOutcome<Resp> {
  readonly kind: string;
  readonly response: Resp | undefined;
  readonly nackedNames: readonly string[];
}

/** The acknowledgement kinds of both protocols. */
const ACK_KINDS = new Set(['ack', 'stale-ack']);
const NACK_KINDS = new Set(['nack', 'stale-nack']);

type Phase = 'new' | 'attesting' | 'open' | 'closed';

/** The session of a call (set by `start`), so that one set of listeners serves every stream. */
const SESSION = Symbol('signet.sds.session');
type AnySession = StreamSession<object, SessionRequest, SessionResponse>;
type SessionCall = ServerDuplexStream<object, object> & { [SESSION]?: AnySession };

/** One stream; subclasses bind a protocol. */
export abstract class StreamSession<Msg extends object, Req extends SessionRequest, Resp extends SessionResponse = SessionResponse>
  implements GroupMember
{
  readonly id: string;
  abstract readonly api: SdsApi;
  #form: ValidatorForm = 'spiffe';
  /** The Envoy node's id and cluster, for the log line of the stream's opening (the node itself is not kept). */
  #nodeLabel: { readonly id: string | undefined; readonly cluster: string | undefined } | undefined;
  #phase: Phase = 'new';
  #queue: Req[] = [];
  #group: ViewGroup | undefined;
  #blocked = false;
  #dirty = false;
  #sentAny = false;
  /** Aborts the attestation in progress when the stream ends; dropped once attested. */
  #abort: AbortController | undefined;
  readonly #call: ServerDuplexStream<Msg, object>;
  protected readonly deps: StreamSessionDeps;

  constructor(id: string, call: ServerDuplexStream<Msg, object>, deps: StreamSessionDeps) {
    this.id = id;
    this.#call = call;
    this.deps = deps;
  }

  /** The validation-context form, fixed by the first request's node. */
  get form(): ValidatorForm {
    return this.#form;
  }

  /**
   * Starts listening to the call. The listeners are shared by every session (the call names its
   * session): six closures a stream were a sixth of a session's memory at 10,000 streams.
   */
  start(): void {
    const call = this.#call as SessionCall;
    this.deps.telemetry.streamOpened(this.api);
    call[SESSION] = this as unknown as AnySession;
    call.on('data', StreamSession.#onData);
    call.on('end', StreamSession.#onEnd);
    call.on('cancelled', StreamSession.#onCancelled);
    call.on('error', StreamSession.#onError);
    call.on('close', StreamSession.#onClose);
    call.on('drain', StreamSession.#onDrainEvent);
  }

  static readonly #onData = function (this: SessionCall, message: object): void {
    const session = this[SESSION];
    if (session !== undefined) session.#onMessage(message);
  };
  static readonly #onEnd = function (this: SessionCall): void {
    this[SESSION]?.close('half-closed by the client');
    if (!this.writableEnded) this.end();
  };
  static readonly #onCancelled = function (this: SessionCall): void {
    this[SESSION]?.close('cancelled by the client');
  };
  static readonly #onError = function (this: SessionCall): void {
    this[SESSION]?.close('stream error');
  };
  static readonly #onClose = function (this: SessionCall): void {
    this[SESSION]?.close('closed');
  };
  static readonly #onDrainEvent = function (this: SessionCall): void {
    const session = this[SESSION];
    if (session !== undefined) session.#onDrain();
  };

  /** Ends the stream from the server side (shutdown), with `code` if nothing else ended it. */
  shutdown(code: number, details: string): void {
    if (this.#phase === 'closed') return;
    this.close('server shutdown');
    this.#emitStatus(code, details);
  }

  // ---- protocol binding -------------------------------------------------------------------

  /** Decodes a request message. */
  protected abstract read(message: Msg): Req;
  /** Folds requests queued while the caller was attested into one. */
  protected abstract coalesce(requests: readonly Req[]): Req | undefined;
  /** Feeds a request to the machine. */
  protected abstract onRequest(request: Req, lookup: SecretLookup): SessionOutcome<Resp>;
  /** Feeds a view change to the machine. */
  protected abstract onView(lookup: SecretLookup): Resp | undefined;
  /** What a view change would send now. */
  protected abstract preview(lookup: SecretLookup): readonly SdsResource[];
  /** Whether a subscribed name passes `test`. */
  protected abstract subscribesAny(test: (name: string) => boolean): boolean;
  /** The machine's latest nonce. */
  protected abstract get lastNonce(): string | undefined;
  /** Encodes a response. */
  protected abstract toMessage(response: Resp): object;

  // ---- GroupMember --------------------------------------------------------------------------

  push(catalog: SecretCatalog, changedAt: number): PushResult | undefined {
    if (this.#phase !== 'open') return undefined;
    if (this.#blocked) {
      this.#dirty = true;
      return undefined;
    }
    try {
      const response = this.onView(catalog.lookup(this.#form));
      if (response === undefined) return undefined;
      this.#send(response, changedAt);
      return { nonce: response.nonce, validationContext: carriesValidationContext(response.resources) };
    } catch (err) {
      this.#fail(err);
      return undefined;
    }
  }

  wouldPushCertificate(catalog: SecretCatalog): boolean {
    if (this.#phase !== 'open') return false;
    // Only a stream that also receives validation contexts can get a bundle change and a
    // certificate in one response; for any other the answer changes nothing, and finding it
    // would encode the new SVIDs in the middle of the bundle pushes.
    if (!this.subscribesAny((name) => catalog.designatesBundles(name))) return false;
    return this.preview(catalog.lookup(this.#form)).some((r) => r.kind === 'tls_certificate');
  }

  warm(catalog: SecretCatalog): void {
    if (this.#phase === 'open') this.preview(catalog.lookup(this.#form));
  }

  // ---- internals ----------------------------------------------------------------------------

  #onMessage(message: Msg): void {
    if (this.#phase === 'closed') return;
    let request: Req;
    let node: NodeLike | null = null;
    try {
      request = this.read(message);
      // Only the first request's node counts (Envoy repeats it on every request by default).
      if (this.#phase === 'new') node = requestNode(message as { node?: NodeLike | Uint8Array | null });
    } catch (err) {
      this.#fail(err);
      return;
    }
    if (this.#phase === 'open') {
      this.#handle(request);
      return;
    }
    this.#queue.push(request);
    if (this.#phase === 'new') {
      this.#phase = 'attesting';
      this.#form = validatorFormFor(node, this.deps.config.disableSpiffeCertValidation);
      const { id, cluster } = (node ?? {}) as { id?: string; cluster?: string };
      this.#nodeLabel = { id: id || undefined, cluster: cluster || undefined };
      void this.#attest();
    }
  }

  async #attest(): Promise<void> {
    let selectors;
    const abort = new AbortController();
    this.#abort = abort;
    try {
      ({ selectors } = await this.deps.attestation.attestCaller(this.#call, abort.signal));
    } catch (err) {
      if (this.#phase !== 'closed') this.#fail(err);
      return;
    } finally {
      this.#abort = undefined;
    }
    if (this.#phase !== 'attesting') return;
    try {
      this.#group = this.deps.hub.join(selectors, this);
    } catch (err) {
      this.#fail(err);
      return;
    }
    this.#phase = 'open';
    this.deps.logger.debug(
      { stream: this.id, api: this.api, node: this.#nodeLabel?.id, cluster: this.#nodeLabel?.cluster, form: this.#form, selectors: selectors.length },
      'SDS stream open',
    );
    this.#nodeLabel = undefined;
    const request = this.coalesce(this.#queue);
    this.#queue = [];
    if (request !== undefined) this.#handle(request);
  }

  #handle(request: Req): void {
    const group = this.#group;
    if (group === undefined) return;
    try {
      const before = this.lastNonce;
      const outcome = this.onRequest(request, group.catalog.lookup(this.#form));
      if (outcome.response !== undefined) this.#send(outcome.response, undefined);
      if (ACK_KINDS.has(outcome.kind)) {
        this.deps.telemetry.ack(this.api);
        this.deps.gate.settle(this, request.responseNonce, before);
      } else if (NACK_KINDS.has(outcome.kind)) {
        this.#nacked(request, outcome.nackedNames);
        this.deps.gate.settle(this, request.responseNonce, before);
      }
    } catch (err) {
      this.#fail(err);
    }
  }

  #nacked(request: Req, names: readonly string[]): void {
    const detail = request.errorDetail ?? { code: 0, message: '' };
    const record = this.deps.telemetry.nack(this.api, this.id, names, detail.code, detail.message, this.deps.clock.now());
    this.deps.logger.warn(
      { stream: this.id, api: this.api, secrets: record.names, code: record.code, error: record.message },
      'SDS response rejected by the client (NACK)',
    );
  }

  #send(response: Resp, changedAt: number | undefined): void {
    if (this.#phase !== 'open') return;
    let writable: boolean;
    try {
      writable = this.#call.write(this.toMessage(response));
    } catch (err) {
      this.deps.logger.debug({ stream: this.id, api: this.api, err }, 'SDS write failed; closing the stream');
      this.close('write failed');
      return;
    }
    this.#sentAny = true;
    this.deps.telemetry.responseSent(this.api, response.reason);
    if (changedAt !== undefined) this.deps.telemetry.pushLatency((this.deps.clock.nowMs() - changedAt) / 1000);
    if (!writable) this.#blocked = true;
  }

  #onDrain(): void {
    this.#blocked = false;
    if (!this.#dirty) return;
    this.#dirty = false;
    const group = this.#group;
    if (group !== undefined && !group.closed) this.push(group.catalog, group.changedAt);
  }

  /**
   * An error on this stream. Before anything was sent, the stream ends with the error's status
   * (attestation refused, …). After, it stays open: failing it would make Envoy reconnect every
   * 0.5 s (its backoff resets on each message received), so the error is logged instead.
   */
  #fail(err: unknown): void {
    if (this.#phase === 'closed') return;
    const status = toGrpcStatus(err);
    if (this.#sentAny) {
      this.deps.logger.error({ stream: this.id, api: this.api, err }, 'SDS stream error; the stream stays open');
      return;
    }
    const level = status.error.internal ? 'error' : 'warn';
    this.deps.logger[level](
      { stream: this.id, api: this.api, code: status.error.apiCode, ...(status.error.internal ? { err } : { reason: status.details }) },
      'SDS stream refused',
    );
    this.close('refused');
    this.#emitStatus(status.code, status.details);
  }

  #emitStatus(code: number, details: string): void {
    const call = this.#call;
    if (call.writableEnded || call.destroyed) return;
    try {
      call.emit('error', Object.assign(new Error(details), { code, details }));
    } catch {
      // The call is already gone.
    }
  }

  /** Releases everything the stream holds: its group membership (and watch), gate entries, queue. */
  close(reason: string): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#abort?.abort(new Error(reason));
    this.#queue = [];
    this.#group?.remove(this);
    this.#group = undefined;
    this.deps.gate.forget(this);
    this.deps.telemetry.streamClosed(this.api);
    this.deps.logger.debug({ stream: this.id, api: this.api, reason }, 'SDS stream closed');
    this.deps.onClosed(this);
  }
}

function carriesValidationContext(resources: readonly SdsResource[]): boolean {
  for (const r of resources) if (r.kind === 'validation_context') return true;
  return false;
}
