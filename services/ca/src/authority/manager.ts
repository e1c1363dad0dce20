/**
 * The authority manager: keeps the X.509 and JWT authorities rotating through the journal in
 * `ca_authorities`, publishes the local trust bundle, and gives every replica the authorities
 * to sign with.
 *
 * - **One rotating replica.** Each change runs in one transaction holding the rotation lock
 *   (`rotation-lock.ts`): `tick` tries it and does nothing when another replica holds it; the
 *   admin operations wait for it. The journal steps, the bundle write and their change events
 *   commit together, so a restart or another replica resumes from exactly what was committed.
 * - **Every replica signs.** `reload` reads the journal into an in-memory snapshot (active keys
 *   loaded, minter built); it runs after every change, every tick, and on change events.
 * - **Keys.** A key generated in a transaction that does not commit is deleted again; keys of
 *   revoked and expired authorities are deleted by the rotating replica.
 * @module
 */
import type { Tracer } from '@opentelemetry/api';
import { appendEvents, getBundle, listAuthorities, type Authority, type AuthorityKind, type Db, type StoredBundle } from '@signet/datastore';
import { ApiError, type Clock, type Logger } from '@signet/platform';
import type { TrustDomain } from '@signet/spiffe';
import { publishLocalBundle, type PublishedBundle } from '../bundle/publish.js';
import { localBundle } from '../bundle/local-bundle.js';
import type { CaMetrics } from '../telemetry/ca-metrics.js';
import { inSpan } from '../telemetry/spans.js';
import type { AuthorityFactory } from './authority-factory.js';
import { checkCanActivate, checkCanPrepare, checkCanRevoke, checkCanTaint } from './forced-rotation.js';
import { JournalChange, type AppliedStep } from './journal-change.js';
import { tryRotationLock, waitForRotationLock } from './rotation-lock.js';
import { deleteRetiredKeys, discardUncommittedKeys } from './key-cleanup.js';
import { buildSnapshot, EMPTY_SNAPSHOT, type ActiveJwtAuthority, type ActiveX509Authority, type AuthoritySnapshot } from './snapshot.js';

/** Dependencies and settings of an {@link AuthorityManager}. */
export interface AuthorityManagerOptions {
  readonly db: Db;
  readonly trustDomain: TrustDomain;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly factory: AuthorityFactory;
  /** `spiffe_refresh_hint` of the published bundle, in seconds. */
  readonly refreshHintSeconds: number;
  readonly tracer: Tracer;
  readonly metrics?: Pick<CaMetrics, 'rotation'> | undefined;
}

/** What one tick did. */
export interface TickResult {
  /** False when another replica held the rotation lock (this one only reloaded). */
  readonly leader: boolean;
  readonly steps: readonly AppliedStep[];
  /** The bundle written, when its content changed. */
  readonly bundle?: StoredBundle | undefined;
}

interface Committed<T> {
  readonly value: T;
  readonly change: JournalChange;
  readonly published: PublishedBundle | undefined;
}

/**
 * Rotates, journals and loads the CA's authorities.
 *
 * @example
 * ```ts
 * const manager = new AuthorityManager({ db, trustDomain, clock, logger, factory, refreshHintSeconds: 300, tracer });
 * await manager.tick();                      // bootstraps, then rotates when due
 * const { minter, chain } = manager.activeX509();
 * await manager.prepare('x509');             // forced rotation
 * ```
 */
export class AuthorityManager {
  readonly #o: AuthorityManagerOptions;
  #snapshot: AuthoritySnapshot = EMPTY_SNAPSHOT;
  #loading: Promise<AuthoritySnapshot> | undefined;
  #queued: Promise<AuthoritySnapshot> | undefined;
  #ticking: Promise<TickResult> | undefined;
  readonly #deletedKeys = new Set<string>();

  constructor(options: AuthorityManagerOptions) {
    this.#o = options;
  }

  /** The journal as last read, with the active authorities. */
  get snapshot(): AuthoritySnapshot {
    return this.#snapshot;
  }

  /** The X.509 authority to sign with; `unavailable` when there is none usable on this replica. */
  activeX509(): ActiveX509Authority {
    const active = this.#snapshot.x509;
    if (active === undefined) throw new ApiError('unavailable', `ca: cannot sign X.509-SVIDs: ${this.#snapshot.problems.x509 ?? 'no active authority'}`);
    return active;
  }

  /** The JWT authority to sign with; `unavailable` when there is none usable on this replica. */
  activeJwt(): ActiveJwtAuthority {
    const active = this.#snapshot.jwt;
    if (active === undefined) throw new ApiError('unavailable', `ca: cannot sign JWT-SVIDs: ${this.#snapshot.problems.jwt ?? 'no active authority'}`);
    return active;
  }

  /** Reads the journal and loads the active keys. Concurrent calls coalesce; a call made during a load gets a fresh one. */
  reload(): Promise<AuthoritySnapshot> {
    if (this.#queued !== undefined) return this.#queued;
    if (this.#loading === undefined) {
      this.#loading = this.#load().finally(() => (this.#loading = undefined));
      return this.#loading;
    }
    this.#queued = this.#loading
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.reload();
      });
    return this.#queued;
  }

  /** Applies the rotation steps due now when this replica gets the rotation lock, then reloads. Never overlaps itself. */
  tick(): Promise<TickResult> {
    this.#ticking ??= this.#tick().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  /** The journal, oldest first (all kinds, or one). */
  list(kind?: AuthorityKind): Promise<Authority[]> {
    return listAuthorities(this.#o.db, kind === undefined ? {} : { kind });
  }

  /** The stored local bundle, or `undefined` before the first tick. */
  localBundle(): Promise<StoredBundle | undefined> {
    return getBundle(this.#o.db, this.#o.trustDomain.name);
  }

  /** Prepares the next authority of `kind` now (forced rotation). */
  async prepare(kind: AuthorityKind): Promise<Authority> {
    return this.#admin('prepare', kind, async (c) => {
      checkCanPrepare(await listAuthorities(c.tx, { kind }), kind);
      return c.prepare(kind);
    });
  }

  /** Activates the prepared authority of `kind` (`id`, when not empty, must name it). */
  async activate(kind: AuthorityKind, id = ''): Promise<Authority> {
    return this.#admin('activate', kind, async (c) => {
      const target = checkCanActivate(await listAuthorities(c.tx, { kind }), kind, id);
      return (await c.activate(target.id)).activated;
    });
  }

  /** Marks the old authority `id` as compromised; agents re-issue what it signed. */
  async taint(kind: AuthorityKind, id: string): Promise<Authority> {
    return this.#admin('taint', kind, async (c) => c.transition(checkCanTaint(await listAuthorities(c.tx, { kind }), kind, id), 'tainted'));
  }

  /** Revokes the tainted authority `id`: it leaves the bundle. */
  async revoke(kind: AuthorityKind, id: string): Promise<Authority> {
    return this.#admin('revoke', kind, async (c) => c.transition(checkCanRevoke(await listAuthorities(c.tx, { kind }), kind, id), 'revoked'));
  }

  async #admin(operation: string, kind: AuthorityKind, fn: (change: JournalChange) => Promise<Authority>): Promise<Authority> {
    return inSpan(this.#o.tracer, `ca.authority.${operation}`, { 'signet.authority.kind': kind }, async () => {
      const committed = await this.#change('wait', fn);
      return (committed as Committed<Authority>).value;
    });
  }

  async #tick(): Promise<TickResult> {
    return inSpan(this.#o.tracer, 'ca.rotation.tick', {}, async (span) => {
      const committed = await this.#change('try', async (c) => {
        await c.rotate('x509');
        await c.rotate('jwt');
      });
      span.setAttribute('signet.ca.leader', committed !== undefined);
      if (committed === undefined) return { leader: false, steps: [] };
      await deleteRetiredKeys(this.#snapshot.authorities, this.#o.clock.now(), this.#o.factory.keyManager, this.#deletedKeys, this.#o.logger);
      return { leader: true, steps: committed.change.applied, bundle: committed.published?.stored };
    });
  }

  /** Runs `fn` and the bundle update in one transaction under the rotation lock; `undefined` when `try` did not get it. */
  async #change<T>(mode: 'try' | 'wait', fn: (change: JournalChange) => Promise<T>): Promise<Committed<T> | undefined> {
    const { db, factory, clock, trustDomain, refreshHintSeconds } = this.#o;
    const now = clock.now();
    let change: JournalChange | undefined;
    let committed: Committed<T> | undefined;
    try {
      committed = await db.transaction(
        async (tx) => {
          if (mode === 'try') {
            if (!(await tryRotationLock(tx))) return undefined;
          } else await waitForRotationLock(tx);
          change = new JournalChange(tx, now, factory);
          const value = await fn(change);
          const desired = localBundle(trustDomain, await listAuthorities(tx), now, refreshHintSeconds);
          const published = await publishLocalBundle(tx, desired, now);
          await appendEvents(tx, published === undefined ? change.events : [...change.events, published.event], now);
          return { value, change, published };
        },
        { maxAttempts: 1 },
      );
    } catch (err) {
      if (change !== undefined && change.generatedKeys.length > 0) await discardUncommittedKeys(db, factory.keyManager, change.generatedKeys, this.#o.logger);
      throw err;
    }
    if (committed !== undefined) this.#report(committed);
    await this.reload();
    return committed;
  }

  #report(committed: Committed<unknown>): void {
    for (const step of committed.change.applied) {
      this.#o.metrics?.rotation(step.kind, step.event);
      this.#o.logger.info({ kind: step.kind, authority_id: step.authorityId, event: step.event }, `ca: ${step.kind} authority ${step.event}`);
    }
    const bundle = committed.published?.stored;
    if (bundle !== undefined) this.#o.logger.info({ trust_domain: bundle.trustDomain, sequence: bundle.sequence }, 'ca: trust bundle published');
  }

  async #load(): Promise<AuthoritySnapshot> {
    const { db, factory, logger } = this.#o;
    const previous = this.#snapshot;
    const next = await buildSnapshot(await listAuthorities(db), factory.keyManager, previous);
    this.#snapshot = next;
    for (const kind of ['x509', 'jwt'] as const) {
      const problem = next.problems[kind];
      if (problem !== undefined && problem !== previous.problems[kind]) logger.warn({ kind }, `ca: ${problem}`);
      const active = next[kind]?.authority.id;
      if (active !== undefined && active !== previous[kind]?.authority.id) logger.info({ kind, authority_id: active }, `ca: signing with ${kind} authority`);
    }
    return next;
  }
}
