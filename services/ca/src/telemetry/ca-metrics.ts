/**
 * The CA's metrics:
 * - `signet_ca_svids_issued` (counter, observed from in-memory counts): SVIDs signed or refused, by `kind` (`x509`, `x509_agent`,
 *   `jwt`) and `outcome` (`ok`, or the API error code such as `permission_denied`);
 * - `signet_ca_signing_duration` (histogram, seconds): time to sign one SVID, by `kind`;
 * - `signet_ca_authority_time_to_expiry` (gauge, seconds): remaining life of each active
 *   authority, by `kind` and `authority_id`;
 * - `signet_ca_rotation_events` (counter): authority transitions, by `kind` and `event`
 *   (`prepared`, `activated`, `tainted`, `revoked`), counted by the replica that made them;
 * - `signet_ca_ledger_rows_dropped` (counter): issuance-ledger rows given up after write failures.
 * @module
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { AuthorityKind } from '@signet/datastore';
import type { Clock } from '@signet/platform';
import type { AuthoritySnapshot } from '../authority/snapshot.js';

/** What an SVID signing call was for. */
export type IssuanceKind = 'x509' | 'x509_agent' | 'jwt';

/** An authority transition, as counted. */
export type RotationEvent = 'prepared' | 'activated' | 'tainted' | 'revoked';

/**
 * Records the CA's metrics on a meter.
 *
 * @example
 * ```ts
 * const metrics = new CaMetrics(telemetry.meter('ca'), clock, () => manager.snapshot);
 * metrics.issued('x509', 'ok');
 * ```
 */
export class CaMetrics {
  /** Signing outcomes counted in memory (a map increment on the hot path), reported by an observable counter. */
  readonly #issued = new Map<string, { readonly attributes: Attributes; count: number }>();
  readonly #latency: Histogram;
  readonly #latencyAttributes = new Map<IssuanceKind, Attributes>();
  readonly #rotations: Counter;
  readonly #ledgerDropped: Counter;

  constructor(meter: Meter, clock: Clock, snapshot: () => AuthoritySnapshot) {
    meter
      .createObservableCounter('signet_ca_svids_issued', { description: 'SVIDs signed (outcome ok) or refused (outcome = error code)' })
      .addCallback((result) => {
        for (const { attributes, count } of this.#issued.values()) result.observe(count, attributes);
      });
    this.#latency = meter.createHistogram('signet_ca_signing_duration', {
      description: 'Time to sign one SVID, validation and authorization included',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] },
    });
    this.#rotations = meter.createCounter('signet_ca_rotation_events', { description: 'Authority transitions made by this replica' });
    this.#ledgerDropped = meter.createCounter('signet_ca_ledger_rows_dropped', { description: 'Issuance ledger rows given up after write failures' });
    const expiry = meter.createObservableGauge('signet_ca_authority_time_to_expiry', {
      description: 'Remaining life of each active authority',
      unit: 's',
    });
    expiry.addCallback((result) => {
      const s = snapshot();
      const now = clock.nowMs();
      for (const active of [s.x509?.authority, s.jwt?.authority]) {
        if (active === undefined) continue;
        result.observe((active.notAfter.getTime() - now) / 1000, { kind: active.kind, authority_id: active.id });
      }
    });
  }

  /** Counts one signing call. */
  issued(kind: IssuanceKind, outcome: string): void {
    const key = `${kind} ${outcome}`;
    const entry = this.#issued.get(key);
    if (entry !== undefined) entry.count++;
    else this.#issued.set(key, { attributes: Object.freeze({ kind, outcome }), count: 1 });
  }

  /** Records the duration of one successful signing call. */
  signingDuration(kind: IssuanceKind, seconds: number): void {
    let attributes = this.#latencyAttributes.get(kind);
    if (attributes === undefined) this.#latencyAttributes.set(kind, (attributes = Object.freeze({ kind })));
    this.#latency.record(seconds, attributes);
  }

  /** Counts one authority transition. */
  rotation(kind: AuthorityKind, event: RotationEvent): void {
    this.#rotations.add(1, { kind, event });
  }

  /** Counts ledger rows given up. */
  ledgerDropped(rows: number): void {
    this.#ledgerDropped.add(rows);
  }
}
