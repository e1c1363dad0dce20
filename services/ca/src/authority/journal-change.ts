/**
 * One change to the authority journal: the steps applied in one transaction that holds the
 * rotation lock, the change events they call for (appended last, with the bundle's), and the
 * keys generated on the way (deleted again if the transaction does not commit).
 * @module
 */
import {
  activateAuthority,
  EventKinds,
  insertAuthority,
  listAuthorities,
  transitionAuthority,
  type Activation,
  type Authority,
  type AuthorityKind,
  type AuthorityState,
  type NewChangeEvent,
  type Tx,
} from '@signet/datastore';
import type { RotationEvent } from '../telemetry/ca-metrics.js';
import type { AuthorityFactory } from './authority-factory.js';
import { nextRotationStep } from './rotation-policy.js';

/** A transition applied to the journal. */
export interface AppliedStep {
  readonly kind: AuthorityKind;
  readonly event: RotationEvent;
  readonly authorityId: string;
}

const EVENT_KIND: Readonly<Record<RotationEvent, string>> = {
  prepared: EventKinds.authorityPrepared,
  activated: EventKinds.authorityActivated,
  tainted: EventKinds.authorityTainted,
  revoked: EventKinds.authorityRevoked,
};

/** Most steps one kind can need in one tick: activate an expired prepared one, then prepare and activate. */
const MAX_STEPS_PER_KIND = 4;

/**
 * Applies journal steps inside a transaction and remembers what they call for.
 *
 * @example
 * ```ts
 * const change = new JournalChange(tx, now, factory);
 * await change.rotate('x509');
 * await appendEvents(tx, change.events, now);
 * ```
 */
export class JournalChange {
  readonly tx: Tx;
  readonly now: Date;
  readonly events: NewChangeEvent[] = [];
  readonly applied: AppliedStep[] = [];
  readonly generatedKeys: string[] = [];
  readonly #factory: AuthorityFactory;

  constructor(tx: Tx, now: Date, factory: AuthorityFactory) {
    this.tx = tx;
    this.now = now;
    this.#factory = factory;
  }

  /** Applies every rotation step due now for `kind` (see `nextRotationStep`). */
  async rotate(kind: AuthorityKind): Promise<void> {
    for (let i = 0; i < MAX_STEPS_PER_KIND; i++) {
      const step = nextRotationStep(await listAuthorities(this.tx, { kind }), this.now);
      if (step === undefined) return;
      if (step.type === 'prepare') await this.prepare(kind);
      else if (step.type === 'activate') await this.activate(step.id);
      else await this.activate((await this.prepare(kind)).id);
    }
    throw new Error(`rotation of ${kind} authorities did not settle after ${MAX_STEPS_PER_KIND} steps`);
  }

  /** Creates and journals a new prepared authority of `kind`. */
  async prepare(kind: AuthorityKind): Promise<Authority> {
    const created = await this.#factory.create(kind, this.now);
    this.generatedKeys.push(created.key.id);
    const authority = await insertAuthority(this.tx, created.input, this.now);
    this.#record('prepared', authority);
    return authority;
  }

  /** Activates the prepared authority `id`; the active one of its kind becomes old. */
  async activate(id: string): Promise<Activation> {
    const activation = await activateAuthority(this.tx, id, this.now);
    this.#record('activated', activation.activated, activation.deactivated?.id);
    return activation;
  }

  /** Moves `authority` from its current state to `to` (tainted or revoked). */
  async transition(authority: Authority, to: Extract<AuthorityState, 'tainted' | 'revoked'>): Promise<Authority> {
    const updated = await transitionAuthority(this.tx, { id: authority.id, from: authority.state, to }, this.now);
    this.#record(to, updated);
    return updated;
  }

  #record(event: RotationEvent, authority: Authority, deactivated?: string): void {
    this.applied.push({ kind: authority.kind, event, authorityId: authority.id });
    this.events.push({
      kind: EVENT_KIND[event],
      subject: authority.id,
      payload: {
        kind: authority.kind,
        key_id: authority.keyId,
        not_after: authority.notAfter.toISOString(),
        ...(deactivated === undefined ? {} : { deactivated }),
      },
    });
  }
}
