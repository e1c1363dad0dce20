/**
 * Telemetry: OpenTelemetry metrics and traces, Prometheus exposition and OTLP export.
 * @module
 */
export { SCOPE_PREFIX, startTelemetry } from './telemetry.js';
export type { Telemetry, TelemetryOptions } from './telemetry.js';
export { telemetryOptionsFromConfig } from './from-config.js';
export type { TelemetryContext } from './from-config.js';
export { ATTR_SPIFFE_TRUST_DOMAIN, buildResource } from './resource.js';
export type { ResourceOptions } from './resource.js';
export { createPrometheusReader, serveMetrics } from './prometheus.js';
export type { MetricsHandler, MetricsServer, PrometheusReader } from './prometheus.js';
export { otlpMetricReader, otlpSignalUrl, otlpSpanProcessor } from './otlp.js';
export type { OtlpOptions } from './otlp.js';
