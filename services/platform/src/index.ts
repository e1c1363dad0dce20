/**
 * `@signet/platform`: the runtime adapters every Signet service shares — config, logging,
 * telemetry, health, clock and lifecycle. Re-exports only.
 *
 * @example
 * ```ts
 * const schema = configSchema(coreSections(), defineSection('ca', caSection));
 * const { config, secrets } = loadConfig({ schema, file, env: process.env });
 * secrets.forEach(registerSecret);
 * const logger = createLogger({ ...config.log, service: 'ca' });
 * const telemetry = await startTelemetry(telemetryOptionsFromConfig(config, { service: 'ca', version }));
 * const health = createHealthServer({ ...config.health, logger, metricsHandler: telemetry.metricsHandler });
 * const lifecycle = createLifecycle({ logger });
 * lifecycle.add('telemetry', () => telemetry.shutdown());
 * lifecycle.add('health', () => health.close());
 * await health.listen();
 * lifecycle.listen();
 * ```
 * @module
 */
export * from './config/index.js';
export * from './log/index.js';
export * from './telemetry/index.js';
export * from './health/index.js';
export * from './testing/index.js';
export { sleepOn, systemClock } from './clock.js';
export type { Cancel, Clock } from './clock.js';
export { createLifecycle } from './lifecycle.js';
export type { Closer, Lifecycle, LifecycleOptions, ShutdownResult, SignalSource } from './lifecycle.js';
export * from './api/index.js';
export * from './grpc/index.js';
export * from './ratelimit/index.js';
export * from './http/index.js';
export { stopInReverse } from './stop-in-reverse.js';
export { untilAborted } from './until-aborted.js';
export type { ReverseStops } from './stop-in-reverse.js';
