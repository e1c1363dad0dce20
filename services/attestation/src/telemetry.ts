/**
 * The attestation service's metrics, recorded through a narrow meter interface that an
 * OpenTelemetry `Meter` (from `telemetry.meter('attestation')`) satisfies.
 *
 * | Metric | Kind | Attributes |
 * | --- | --- | --- |
 * | `signet_attestation_attestations` | counter | `method`, `outcome` (`success`, or the API code) |
 * | `signet_attestation_renewals` | counter | `outcome` |
 * | `signet_attestation_authorized_cache_agents` | gauge | agents whose authorized entries are cached |
 * | `signet_attestation_authorized_cache_entries` | gauge | authorized entries held by those agents |
 * | `signet_attestation_sync_streams` | up-down counter | open SyncAuthorized streams |
 * | `signet_attestation_sync_push_latency` | histogram (ms) | `kind` (`snapshot`, `change`) |
 * @module
 */
import { publicError } from '@signet/platform';

/** Attribute values of a measurement. */
export type MetricAttributes = Record<string, string>;

/** The subset of an OpenTelemetry `Meter` this service uses. */
export interface AttestationMeter {
  createCounter(name: string, options?: { description?: string; unit?: string }): { add(value: number, attributes?: MetricAttributes): void };
  createUpDownCounter(name: string, options?: { description?: string; unit?: string }): { add(value: number, attributes?: MetricAttributes): void };
  createHistogram(name: string, options?: { description?: string; unit?: string }): { record(value: number, attributes?: MetricAttributes): void };
  createObservableGauge(
    name: string,
    options?: { description?: string; unit?: string },
  ): { addCallback(callback: (result: { observe(value: number, attributes?: MetricAttributes): void }) => void): void };
}

/** What the service records. */
export interface AttestationMetrics {
  attestation(method: string, outcome: string): void;
  renewal(outcome: string): void;
  streamOpened(): void;
  streamClosed(): void;
  pushLatency(kind: 'snapshot' | 'change', ms: number): void;
  /** Registers the source of the cache-size gauges. */
  observeCache(size: () => { agents: number; entries: number }): void;
}

/** Metrics that record nothing (when no meter is given). */
export const noMetrics: AttestationMetrics = {
  attestation: () => undefined,
  renewal: () => undefined,
  streamOpened: () => undefined,
  streamClosed: () => undefined,
  pushLatency: () => undefined,
  observeCache: () => undefined,
};

/**
 * Creates the instruments on `meter`.
 *
 * @example
 * ```ts
 * const metrics = attestationMetrics(telemetry.meter('attestation'));
 * metrics.attestation('join_token', 'success');
 * ```
 */
export function attestationMetrics(meter: AttestationMeter): AttestationMetrics {
  const attestations = meter.createCounter('signet_attestation_attestations', { description: 'Node attestations, by method and outcome' });
  const renewals = meter.createCounter('signet_attestation_renewals', { description: 'Agent SVID renewals, by outcome' });
  const streams = meter.createUpDownCounter('signet_attestation_sync_streams', { description: 'Open SyncAuthorized streams' });
  const latency = meter.createHistogram('signet_attestation_sync_push_latency', {
    description: 'Time from a change (or a stream start) to its message being handed to the transport',
    unit: 'ms',
  });
  const cacheAgents = meter.createObservableGauge('signet_attestation_authorized_cache_agents', {
    description: 'Agents whose authorized entries are cached',
  });
  const cacheEntries = meter.createObservableGauge('signet_attestation_authorized_cache_entries', {
    description: 'Authorized entries held in the per-agent cache',
  });
  return {
    attestation: (method, outcome) => attestations.add(1, { method, outcome }),
    renewal: (outcome) => renewals.add(1, { outcome }),
    streamOpened: () => streams.add(1),
    streamClosed: () => streams.add(-1),
    pushLatency: (kind, ms) => latency.record(ms, { kind }),
    observeCache: (size) => {
      cacheAgents.addCallback((result) => result.observe(size().agents));
      cacheEntries.addCallback((result) => result.observe(size().entries));
    },
  };
}

/** The outcome label of an error: the API code it maps to (`permission_denied`, `internal`, …). */
export function outcomeOf(err: unknown): string {
  return publicError(err).apiCode;
}
