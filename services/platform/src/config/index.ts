/**
 * Signet's configuration: one YAML file for every service, a typed schema DSL, environment
 * overrides derived from the schema, and precise problems reported all at once.
 * @module
 */
export * from './schema/index.js';
export { ConfigSchema, configSchema, defineSection } from './config-schema.js';
export type { ConfigOf, MergeShapes } from './config-schema.js';
export {
  LOG_FORMATS,
  LOG_LEVELS,
  OTLP_PROTOCOLS,
  checkTrustDomainName,
  coreConfigSchema,
  coreSections,
} from './core-sections.js';
export type { CoreConfig, CoreSectionsOptions } from './core-sections.js';
export { deriveEnvBindings, envVarName } from './env.js';
export type { EnvBinding } from './env.js';
export { ConfigError, formatProblem } from './errors.js';
export type { ConfigProblem, ConfigSource } from './errors.js';
export { checkConfigFile, loadConfig } from './load.js';
export type { LoadConfigOptions, LoadedConfig } from './load.js';
export { formatPath } from './path.js';
export { suggest } from './did-you-mean.js';
