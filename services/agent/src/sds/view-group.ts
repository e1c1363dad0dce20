/**
 * All the SDS streams of one workload (one selector set) share a group: one watch on the
 * workload's view, one {@link SecretCatalog} per view (each secret encoded once, whatever the
 * number of streams), and the CA-rotation sequencing of pushes.
 * @module
 */
import type { Tracer } from '@opentelemetry/api';
import type { Clock, Logger } from '@signet/platform';
import type { ViewWatch, WorkloadView } from '../domain/view.js';
import type { SecretCatalog } from './catalog.js';
import type { GateWaiter, RotationGate } from './rotation-gate.js';
import type { ValidatorForm } from './resource.js';
import { sameSvids, sameX509Bundles } from './view-diff.js';

/** What a push to one stream did. */
export interface PushResult {
  readonly nonce: string;
  /** Whether the response carried a validation context. */
  readonly validationContext: boolean;
}

/** A stream as its group sees it. */
export interface GroupMember {
  readonly form: ValidatorForm;
  /** Sends what the stream lacks of `catalog`; `changedAt` (epoch ms) is when the view changed. */
  push(catalog: SecretCatalog, changedAt: number): PushResult | undefined;
  /** Whether a push from `catalog` would carry a `tls_certificate`. */
  wouldPushCertificate(catalog: SecretCatalog): boolean;
  /** Encodes what a push from `catalog` would send, without sending it. */
  warm(catalog: SecretCatalog): void;
}

/** Dependencies of a {@link ViewGroup}. */
export interface ViewGroupDeps {
  readonly gate: RotationGate;
  readonly clock: Clock;
  readonly tracer: Tracer;
  readonly logger: Logger;
  /** The catalog of `view`; `previous` is the catalog it replaces, if any. */
  readonly catalogOf: (view: WorkloadView, previous?: SecretCatalog) => SecretCatalog;
  /** Queues work that may wait for a later turn of the event loop (`IdleWork.add`). */
  readonly idle: (task: () => void) => void;
  /** Called once the last member left and the watch is closed. */
  readonly onEmpty: (group: ViewGroup) => void;
}

/** The streams of one selector set, their shared view and its pushes. */
export class ViewGroup implements GateWaiter {
  readonly key: string;
  readonly #deps: ViewGroupDeps;
  readonly #members = new Set<GroupMember>();
  #watch: ViewWatch | undefined;
  #latest: SecretCatalog;
  #pushed: SecretCatalog;
  #changedAt: number;
  #closed = false;
  #ready = false;

  /** Opens the group with `open(listener)`, which must start the view watch. */
  constructor(key: string, deps: ViewGroupDeps, open: (listener: (view: WorkloadView) => void) => ViewWatch) {
    this.key = key;
    this.#deps = deps;
    this.#changedAt = deps.clock.nowMs();
    const watch = open((view) => this.#onView(view));
    this.#watch = watch;
    const catalog = deps.catalogOf(watch.current());
    this.#latest = catalog;
    this.#pushed = catalog;
    this.#ready = true;
  }

  /** The catalog streams are served from (the latest view, or a rotation's intermediate step). */
  get catalog(): SecretCatalog {
    return this.#pushed;
  }

  /** The catalog of the latest view (what FetchSecrets returns). */
  get latestCatalog(): SecretCatalog {
    return this.#latest;
  }

  /** When the view last changed (epoch ms). */
  get changedAt(): number {
    return this.#changedAt;
  }

  get size(): number {
    return this.#members.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  add(member: GroupMember): void {
    if (this.#closed) throw new Error(`view group ${JSON.stringify(this.key)} is closed`);
    this.#members.add(member);
  }

  /** Removes `member`; the last one out closes the watch. */
  remove(member: GroupMember): void {
    if (!this.#members.delete(member) || this.#members.size > 0 || this.#closed) return;
    this.close();
  }

  /** Closes the watch and forgets the members. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#members.clear();
    this.#watch?.close();
    this.#watch = undefined;
    this.#deps.onEmpty(this);
  }

  /** The gate opened: push the SVIDs held back. */
  resume(): void {
    this.#safePump();
  }

  #onView(view: WorkloadView): void {
    if (this.#closed || !this.#ready || view === this.#latest.view) return;
    this.#changedAt = this.#deps.clock.nowMs();
    this.#latest = this.#deps.catalogOf(view, this.#latest);
    this.#safePump();
  }

  /** Pumps, never letting an error escape into the view source's notification loop. */
  #safePump(): void {
    try {
      this.#pump();
    } catch (err) {
      this.#deps.logger.error({ group: this.key, err }, 'SDS push after a view change failed');
    }
  }

  /**
   * Brings the streams from the pushed view to the latest one. Bundle changes go first (and are
   * tracked by the gate); SVID changes go once the gate is open. A stream that would get a new
   * SVID anyway receives its bundle change with it, in one response.
   */
  #pump(): void {
    if (this.#closed) return;
    const latest = this.#latest;
    const pushed = this.#pushed;
    if (latest === pushed) return;
    const bundlesChanged = !sameX509Bundles(latest.view, pushed.view);
    const svidsChanged = !sameSvids(latest.view, pushed.view);
    const { gate } = this.#deps;
    if (!bundlesChanged && !svidsChanged) {
      this.#pushed = latest;
      return;
    }
    if (!svidsChanged) {
      this.#pushed = latest;
      this.#pushAll(latest, true, undefined);
      return;
    }
    if (bundlesChanged) {
      const staged = this.#deps.catalogOf({ svids: pushed.view.svids, bundle: latest.view.bundle, federatedBundles: latest.view.federatedBundles }, pushed);
      this.#pushed = staged;
      this.#pushAll(staged, true, latest);
    }
    if (gate.holding) {
      gate.defer(this);
      // While the gate waits on the Envoys, encode what the held pushes will send.
      this.#deps.idle(() => {
        if (this.#closed || this.#latest !== latest) return;
        for (const member of this.#members) member.warm(latest);
      });
      return;
    }
    this.#pushed = latest;
    this.#pushAll(latest, false, undefined);
  }

  /**
   * Pushes `catalog` to every member. With `track`, validation-context pushes are recorded in the
   * gate; members that would get a certificate from `skipIfCertificateIn` are left for later.
   */
  #pushAll(catalog: SecretCatalog, track: boolean, skipIfCertificateIn: SecretCatalog | undefined): void {
    const span = this.#deps.tracer.startSpan('sds.push', { attributes: { 'sds.streams': this.#members.size } });
    let responses = 0;
    try {
      for (const member of [...this.#members]) {
        if (skipIfCertificateIn !== undefined && member.wouldPushCertificate(skipIfCertificateIn)) continue;
        const result = member.push(catalog, this.#changedAt);
        if (result === undefined) continue;
        responses++;
        if (track && result.validationContext) this.#deps.gate.track(member, result.nonce);
      }
    } finally {
      span.setAttribute('sds.responses', responses);
      span.end();
    }
  }
}
