/**
 * Mapping the `telemetry` config section to {@link startTelemetry} options.
 * @module
 */
import type { CoreConfig } from '../config/core-sections.js';
import type { Logger } from '../log/logger.js';
import type { TelemetryOptions } from './telemetry.js';

/** What the config does not say: which service runs, and its version. */
export interface TelemetryContext {
  /** The service running alone (`ca` gives `service.name` `signet-ca`); omit for `signet server`. */
  readonly service?: string;
  /** `service.version`. */
  readonly version: string;
  /** Where OpenTelemetry's own warnings go. */
  readonly logger?: Logger;
}

/**
 * Builds telemetry options from the config: `service.name` is `telemetry.service_name`, with
 * `-<service>` appended when one service runs alone; durations are already milliseconds.
 *
 * @example
 * ```ts
 * const telemetry = await startTelemetry(telemetryOptionsFromConfig(config, { service: 'ca', version }));
 * ```
 */
export function telemetryOptionsFromConfig(
  config: Pick<CoreConfig, 'trust_domain' | 'telemetry'>,
  context: TelemetryContext,
): TelemetryOptions {
  const { telemetry } = config;
  const prometheus = telemetry.prometheus;
  return {
    serviceName: context.service === undefined ? telemetry.service_name : `${telemetry.service_name}-${context.service}`,
    trustDomain: config.trust_domain,
    version: context.version,
    prometheus: prometheus.enabled
      ? { host: prometheus.host, ...(prometheus.port === undefined ? {} : { port: prometheus.port }) }
      : false,
    ...(telemetry.otlp.endpoint === undefined
      ? {}
      : {
          otlp: {
            endpoint: telemetry.otlp.endpoint,
            headers: telemetry.otlp.headers,
            intervalMs: telemetry.otlp.interval,
          },
        }),
    resourceAttributes: telemetry.resource_attributes,
    ...(context.logger === undefined ? {} : { logger: context.logger }),
  };
}
