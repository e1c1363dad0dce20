/**
 * Health: the liveness, readiness and metrics server of every Signet process.
 * @module
 */
export { createHealthServer } from './health-server.js';
export type { BoundAddress, HealthServer, HealthServerOptions } from './health-server.js';
export { runChecks } from './checks.js';
export type { CheckResult, ReadinessCheck, ReadinessReport } from './checks.js';
