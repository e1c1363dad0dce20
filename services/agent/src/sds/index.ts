/**
 * The Envoy SDS v3 server of the Signet agent.
 * @module
 */
export { createSdsService } from './service.js';
export type { SdsService, SdsServiceDeps, SdsStats } from './service.js';
export { SDS_CONFIG_DEFAULTS, resolveSdsConfig } from './config.js';
export type { ResolvedSdsConfig, SdsConfig } from './config.js';
export type { SdsApi, SdsNackRecord } from './telemetry.js';
export { SECRET_TYPE_URL, SPIFFE_VALIDATOR_NAME, SPIFFE_VALIDATOR_TYPE_URL, SDS_SERVICE_NAME, envoyProtoDirs, sdsProtos } from './protos.js';
export type { SdsProtos } from './protos.js';
