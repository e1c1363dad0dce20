/**
 * The local trust domain's bundle as the CA last published it (`bundles` row of source `local`),
 * held in memory for the bundle endpoint and the OIDC provider and reloaded whenever the change
 * log says it, or an authority, changed.
 * @module
 */
import { EventKinds, getBundle, type ChangeEvent, type Db } from '@signet/datastore';
import type { Logger } from '@signet/platform';
import { SpiffeBundle, type TrustDomain } from '@signet/spiffe';

/** True when `event` may change the local bundle of `trustDomain`. */
export function isLocalBundleChange(event: ChangeEvent, trustDomain: TrustDomain): boolean {
  if (event.kind.startsWith('authority.')) return true;
  return (event.kind === EventKinds.bundleUpdated || event.kind === EventKinds.bundleDeleted) && event.subject === trustDomain.name;
}

/** Options of {@link LocalBundleCache}. */
export interface LocalBundleCacheOptions {
  readonly db: Db;
  readonly trustDomain: TrustDomain;
  readonly logger: Logger;
}

/**
 * The local bundle, reloaded on demand; readers get the last one loaded, synchronously.
 *
 * @example
 * ```ts
 * const local = new LocalBundleCache({ db, trustDomain, logger });
 * await local.reload();
 * local.bundle?.sequenceNumber;
 * ```
 */
export class LocalBundleCache {
  readonly #options: LocalBundleCacheOptions;
  readonly #listeners = new Set<(bundle: SpiffeBundle | undefined) => void>();
  #bundle: SpiffeBundle | undefined;
  #storedSequence = 0;
  #loading: Promise<void> = Promise.resolve();

  constructor(options: LocalBundleCacheOptions) {
    this.#options = options;
  }

  /** The bundle last loaded; `undefined` until the CA has published one. */
  get bundle(): SpiffeBundle | undefined {
    return this.#bundle;
  }

  /** Calls `listener` after every load that changed the bundle; returns the unsubscriber. */
  onChange(listener: (bundle: SpiffeBundle | undefined) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reloads from the datastore (calls are serialised; each reads after the previous finished). */
  reload(): Promise<void> {
    const next = this.#loading.then(() => this.#load());
    this.#loading = next.catch(() => undefined);
    return next;
  }

  /** Reloads when `event` concerns the local bundle; load errors are logged (the previous bundle stays). */
  async handleEvent(event: ChangeEvent): Promise<void> {
    if (!isLocalBundleChange(event, this.#options.trustDomain)) return;
    await this.reload().catch((err: unknown) => this.#options.logger.error({ err }, 'federation: could not reload the local bundle; serving the previous one'));
  }

  async #load(): Promise<void> {
    const { db, trustDomain } = this.#options;
    const stored = await getBundle(db, trustDomain.name);
    if (stored === undefined) {
      if (this.#bundle !== undefined) this.#set(undefined, 0);
      return;
    }
    if (stored.source !== 'local') {
      this.#options.logger.warn({ source: stored.source }, `federation: the bundle of the local trust domain "${trustDomain.name}" has source "${stored.source}", not "local"`);
    }
    if (stored.sequence === this.#storedSequence && this.#bundle !== undefined) return;
    this.#set(SpiffeBundle.parse(trustDomain, JSON.stringify(stored.document)), stored.sequence);
  }

  #set(bundle: SpiffeBundle | undefined, sequence: number): void {
    this.#bundle = bundle;
    this.#storedSequence = sequence;
    for (const listener of this.#listeners) {
      try {
        listener(bundle);
      } catch (err) {
        this.#options.logger.error({ err }, 'federation: local bundle listener failed');
      }
    }
  }
}
