/**
 * OTLP/HTTP export of traces and metrics (JSON bodies) to a collector.
 * @module
 */
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-node';

/** Where and how to export over OTLP. */
export interface OtlpOptions {
  /**
   * The collector's base URL, e.g. `http://otel-collector:4318`. Traces go to
   * `<endpoint>/v1/traces` and metrics to `<endpoint>/v1/metrics`.
   */
  readonly endpoint: string;
  /** Headers sent with every export (e.g. an API key). */
  readonly headers?: Readonly<Record<string, string>>;
  /** How often metrics are pushed, in milliseconds (default 60 000). */
  readonly intervalMs?: number;
  /** How long one export may take, in milliseconds (default 10 000, at most the interval). */
  readonly timeoutMs?: number;
}

/** The signal URL under an OTLP base endpoint. */
export function otlpSignalUrl(endpoint: string, signal: 'traces' | 'metrics'): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}

/** A batching span processor exporting to `<endpoint>/v1/traces`. */
export function otlpSpanProcessor(options: OtlpOptions): SpanProcessor {
  const exporter = new OTLPTraceExporter({
    url: otlpSignalUrl(options.endpoint, 'traces'),
    headers: { ...options.headers },
    timeoutMillis: options.timeoutMs ?? 10_000,
  });
  return new BatchSpanProcessor(exporter);
}

/** A reader pushing metrics to `<endpoint>/v1/metrics` every `intervalMs`. */
export function otlpMetricReader(options: OtlpOptions): PeriodicExportingMetricReader {
  const intervalMs = options.intervalMs ?? 60_000;
  const timeoutMs = Math.min(options.timeoutMs ?? 10_000, intervalMs);
  const exporter = new OTLPMetricExporter({
    url: otlpSignalUrl(options.endpoint, 'metrics'),
    headers: { ...options.headers },
    timeoutMillis: timeoutMs,
  });
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: intervalMs,
    exportTimeoutMillis: timeoutMs,
  });
}
