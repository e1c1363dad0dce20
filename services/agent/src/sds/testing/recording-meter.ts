/**
 * A minimal OpenTelemetry `Meter` that records every measurement, for asserting on metrics in
 * tests without an SDK. Only synchronous counters, up-down counters and histograms record;
 * everything else is a no-op.
 * @module
 */
import { createNoopMeter, type Attributes, type Counter, type Histogram, type Meter, type UpDownCounter } from '@opentelemetry/api';

/** One measurement. */
export interface Measurement {
  readonly instrument: string;
  readonly value: number;
  readonly attributes: Attributes;
}

/** A meter recording measurements. */
export class RecordingMeter {
  readonly measurements: Measurement[] = [];
  readonly meter: Meter;

  constructor() {
    const noop = createNoopMeter();
    const record = (instrument: string) => (value: number, attributes: Attributes = {}) => {
      this.measurements.push({ instrument, value, attributes });
    };
    this.meter = Object.assign(Object.create(noop) as Meter, {
      createCounter: (name: string): Counter => ({ add: record(name) }),
      createUpDownCounter: (name: string): UpDownCounter => ({ add: record(name) }),
      createHistogram: (name: string): Histogram => ({ record: record(name) }),
    });
  }

  /** The sum of `instrument`'s measurements whose attributes include `match`. */
  sum(instrument: string, match: Attributes = {}): number {
    return this.of(instrument, match).reduce((total, m) => total + m.value, 0);
  }

  /** The measurements of `instrument` whose attributes include `match`. */
  of(instrument: string, match: Attributes = {}): Measurement[] {
    return this.measurements.filter((m) => m.instrument === instrument && Object.entries(match).every(([k, v]) => m.attributes[k] === v));
  }
}
