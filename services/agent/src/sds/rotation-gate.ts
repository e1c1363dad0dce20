/**
 * CA rotation order across the agent (checklist item 25). Envoy receives a certificate and the
 * bundle that validates it on different streams, with no ordering between them; if a workload
 * presented an SVID signed by a new CA key before its peers trusted that key, handshakes would
 * fail. So when bundle content changes, the validation contexts are pushed first, and SVID
 * (`tls_certificate`) pushes wait until every stream that received a bundle push has ACKed or
 * NACKed it (or has closed), or until a timeout passes — whichever comes first.
 * @module
 */
import type { Cancel, Clock } from '@signet/platform';

/** Something whose SVID pushes wait for the gate. */
export interface GateWaiter {
  /** Called once the gate opens; pushes what was held back. */
  resume(): void;
}

/** The agent-wide gate between bundle pushes and SVID pushes. */
export class RotationGate {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #onTimeout: (unsettled: number) => void;
  /** stream → nonce of its bundle push awaiting an ACK/NACK. */
  readonly #pending = new Map<object, string>();
  readonly #waiters = new Set<GateWaiter>();
  #timer: Cancel | undefined;
  #releasing = false;

  /**
   * `timeoutMs` bounds how long SVID pushes wait after the first bundle push of a rotation;
   * 0 disables the gate. `onTimeout` is told how many bundle pushes were still unsettled.
   */
  constructor(clock: Clock, timeoutMs: number, onTimeout: (unsettled: number) => void = () => {}) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#onTimeout = onTimeout;
  }

  /** Whether SVID pushes must wait now. */
  get holding(): boolean {
    return this.#pending.size > 0;
  }

  /** How many bundle pushes await an ACK/NACK. */
  get unsettled(): number {
    return this.#pending.size;
  }

  /** Records a bundle push on `stream` (response `nonce`) that SVID pushes must wait for. */
  track(stream: object, nonce: string): void {
    if (this.#timeoutMs <= 0) return;
    this.#pending.set(stream, nonce);
    this.#timer ??= this.#clock.setTimeout(() => {
      this.#timer = undefined;
      const unsettled = this.#pending.size;
      if (unsettled === 0) return;
      this.#pending.clear();
      this.#onTimeout(unsettled);
      this.#release();
    }, this.#timeoutMs);
  }

  /**
   * `stream` ACKed or NACKed the response `nonce`; `latestNonce` is the stream's latest response
   * (acknowledging it acknowledges every earlier one, responses being ordered on a stream).
   */
  settle(stream: object, nonce: string, latestNonce: string | undefined): void {
    const pending = this.#pending.get(stream);
    if (pending === undefined || (nonce !== pending && nonce !== latestNonce)) return;
    this.#pending.delete(stream);
    if (this.#pending.size === 0) this.#release();
  }

  /** `stream` closed: its bundle push no longer holds anything back. */
  forget(stream: object): void {
    if (this.#pending.delete(stream) && this.#pending.size === 0) this.#release();
  }

  /** Runs `waiter.resume()` once the gate opens (once per opening, however often deferred). */
  defer(waiter: GateWaiter): void {
    this.#waiters.add(waiter);
    if (!this.holding) this.#release();
  }

  /** Cancels the timer and forgets everything (when the server stops). */
  close(): void {
    this.#timer?.();
    this.#timer = undefined;
    this.#pending.clear();
    this.#waiters.clear();
  }

  #release(): void {
    this.#timer?.();
    this.#timer = undefined;
    if (this.#releasing) return;
    this.#releasing = true;
    queueMicrotask(() => {
      this.#releasing = false;
      if (this.holding) return;
      const waiters = [...this.#waiters];
      this.#waiters.clear();
      for (const waiter of waiters) waiter.resume();
    });
  }
}
