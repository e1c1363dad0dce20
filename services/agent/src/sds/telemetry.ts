/**
 * The SDS server's metrics and NACK history.
 *
 * Instruments (meter `signet-agent`; Prometheus names in brackets):
 * - `signet.agent.sds.streams` (up-down counter, attribute `api`: `sotw` | `delta`): open streams
 *   [`signet_agent_sds_streams`];
 * - `signet.agent.sds.responses` (counter, attributes `api`, `reason`: `initial` | `subscribe` |
 *   `update`) [`signet_agent_sds_responses_total`];
 * - `signet.agent.sds.acks`, `signet.agent.sds.nacks` (counters, attribute `api`)
 *   [`signet_agent_sds_acks_total`, `signet_agent_sds_nacks_total`];
 * - `signet.agent.sds.push_latency` (histogram, seconds): from a view change to the write of the
 *   response it caused [`signet_agent_sds_push_latency_seconds`].
 * @module
 */
import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import type { PushReason } from './resource.js';

/** The two streaming APIs. */
export type SdsApi = 'sotw' | 'delta';

/** One NACK received, for diagnosis. */
export interface SdsNackRecord {
  /** The secret names of the NACKed response (as far as the stream remembers it). */
  readonly names: readonly string[];
  readonly streamId: string;
  readonly api: SdsApi;
  /** `error_detail.code` as Envoy sent it (13 = INTERNAL). */
  readonly code: number;
  /** `error_detail.message` as Envoy sent it (truncated to 1024 characters). */
  readonly message: string;
  readonly at: Date;
}

/** Attribute sets of the per-response and per-ACK counters, made once (one is used per push). */
const API_ATTRIBUTES: Readonly<Record<SdsApi, Readonly<{ api: SdsApi }>>> = Object.freeze({
  sotw: Object.freeze({ api: 'sotw' }),
  delta: Object.freeze({ api: 'delta' }),
});
const RESPONSE_ATTRIBUTES = Object.freeze({
  sotw: reasonAttributes('sotw'),
  delta: reasonAttributes('delta'),
});

function reasonAttributes(api: SdsApi): Readonly<Record<PushReason, Readonly<{ api: SdsApi; reason: PushReason }>>> {
  return Object.freeze({
    initial: Object.freeze({ api, reason: 'initial' }),
    subscribe: Object.freeze({ api, reason: 'subscribe' }),
    update: Object.freeze({ api, reason: 'update' }),
  });
}

/** Longest NACK message kept. */
const MAX_NACK_MESSAGE = 1024;

/** The SDS server's instruments and NACK ring. */
export class SdsTelemetry {
  readonly #streams: UpDownCounter;
  readonly #responses: Counter;
  readonly #acks: Counter;
  readonly #nacks: Counter;
  readonly #latency: Histogram;
  readonly #history: SdsNackRecord[] = [];
  readonly #historySize: number;

  constructor(meter: Meter, nackHistory: number) {
    this.#historySize = nackHistory;
    this.#streams = meter.createUpDownCounter('signet.agent.sds.streams', { description: 'Open SDS streams' });
    this.#responses = meter.createCounter('signet.agent.sds.responses', { description: 'SDS responses sent, by reason' });
    this.#acks = meter.createCounter('signet.agent.sds.acks', { description: 'SDS responses ACKed' });
    this.#nacks = meter.createCounter('signet.agent.sds.nacks', { description: 'SDS responses NACKed (rejected by the client)' });
    this.#latency = meter.createHistogram('signet.agent.sds.push_latency', {
      description: 'Time from a workload view change to the write of the SDS response it caused',
      unit: 's',
    });
  }

  streamOpened(api: SdsApi): void {
    this.#streams.add(1, API_ATTRIBUTES[api]);
  }

  streamClosed(api: SdsApi): void {
    this.#streams.add(-1, API_ATTRIBUTES[api]);
  }

  responseSent(api: SdsApi, reason: PushReason): void {
    this.#responses.add(1, RESPONSE_ATTRIBUTES[api][reason]);
  }

  pushLatency(seconds: number): void {
    this.#latency.record(Math.max(0, seconds));
  }

  ack(api: SdsApi): void {
    this.#acks.add(1, API_ATTRIBUTES[api]);
  }

  /** Counts a NACK and remembers it; returns the record (for logging). */
  nack(api: SdsApi, streamId: string, names: readonly string[], code: number, message: string, at: Date): SdsNackRecord {
    this.#nacks.add(1, { api });
    const record: SdsNackRecord = Object.freeze({
      names: Object.freeze([...names]),
      streamId,
      api,
      code,
      message: message.length > MAX_NACK_MESSAGE ? `${message.slice(0, MAX_NACK_MESSAGE)}…` : message,
      at,
    });
    if (this.#historySize > 0) {
      this.#history.push(record);
      if (this.#history.length > this.#historySize) this.#history.shift();
    }
    return record;
  }

  /** The most recent NACKs, oldest first. */
  lastNacks(): readonly SdsNackRecord[] {
    return [...this.#history];
  }
}
