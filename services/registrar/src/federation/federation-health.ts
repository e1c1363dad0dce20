/**
 * How the fetching of a federated bundle is going, for admins: computed from the fetcher's
 * status row (`federation_status`, written by the federation service) and, before the first
 * fetch, from the bootstrap bundle.
 *
 * - `bundleAgeSeconds`: seconds since the last successful fetch; before any, since the held
 *   bundle was stored (a bootstrap bundle, or one set by hand); -1 when no bundle is held.
 * - `stale`: nothing was fetched (or, before the first fetch, stored) within twice the polling
 *   interval: the interval the fetcher recorded (the bundle's refresh hint bounded by the
 *   federation service's settings), else the recorded hint, else
 *   {@link DEFAULT_REFRESH_HINT_SECONDS}. A relationship without any bundle counts from its creation, so a new one is
 *   not stale before its first fetch was due.
 *
 * @example
 * ```ts
 * const health = federationHealth({ relationship, status, bundle, now: clock.now() });
 * if (health.stale) console.log(`${relationship.trustDomain}: last error ${health.lastError}`);
 * ```
 * @module
 */
import type { FederationRelationship, FederationStatus, StoredBundle } from '@signet/datastore';

/** The refresh hint assumed when the fetcher has not recorded one (SPIRE's default, 5 minutes). */
export const DEFAULT_REFRESH_HINT_SECONDS = 300;

/** The fetch health of one relationship. */
export interface FederationHealthView {
  readonly lastAttemptAt: Date | undefined;
  readonly lastSuccessAt: Date | undefined;
  /** Why the last attempt failed; `''` when it succeeded or none was made. */
  readonly lastError: string;
  /** `spiffe_sequence` of the held bundle; 0 when none or unset. */
  readonly sequenceNumber: bigint;
  /** Seconds since the held bundle was fetched (or stored); -1 when none is held. */
  readonly bundleAgeSeconds: number;
  readonly stale: boolean;
  readonly nextRefreshAt: Date | undefined;
}

/** What the health is computed from. */
export interface FederationHealthInput {
  readonly relationship: Pick<FederationRelationship, 'createdAt'>;
  readonly status: FederationStatus | undefined;
  /** The held (non-local) bundle of the trust domain; only read when nothing was fetched yet. */
  readonly bundle: Pick<StoredBundle, 'document' | 'updatedAt' | 'source'> | undefined;
  readonly now: Date;
}

/** The health of a relationship; see the module documentation. */
export function federationHealth(input: FederationHealthInput): FederationHealthView {
  const { status, now } = input;
  const bundle = input.bundle?.source === 'local' ? undefined : input.bundle;
  const lastSuccessAt = status?.lastSuccessAt;
  const held = lastSuccessAt ?? bundle?.updatedAt;
  const interval = positive(status?.refreshIntervalSeconds) ?? positive(status?.refreshHintSeconds) ?? DEFAULT_REFRESH_HINT_SECONDS;
  const since = held ?? input.relationship.createdAt;
  return {
    lastAttemptAt: status?.lastAttemptAt,
    lastSuccessAt,
    lastError: status?.lastError ?? '',
    sequenceNumber: status?.sequenceNumber ?? (lastSuccessAt === undefined ? documentSequence(bundle?.document) : 0n),
    bundleAgeSeconds: held === undefined ? -1 : secondsBetween(held, now),
    stale: secondsBetween(since, now) > 2 * interval,
    nextRefreshAt: status?.nextRefreshAt,
  };
}

/** Whether `federationHealth` needs the held bundle (nothing was fetched yet). */
export function needsBundle(status: FederationStatus | undefined): boolean {
  return status?.lastSuccessAt === undefined;
}

function positive(seconds: number | undefined): number | undefined {
  return seconds !== undefined && seconds > 0 ? seconds : undefined;
}

function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
}

function documentSequence(document: StoredBundle['document'] | undefined): bigint {
  const value = document?.['spiffe_sequence'];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  return 0n;
}
