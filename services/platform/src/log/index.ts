/**
 * Logging: pino loggers that carry the service and trace ids and never write secrets.
 * @module
 */
export { createLogger } from './logger.js';
export type { LogFormat, LogLevel, Logger, LoggerOptions } from './logger.js';
export {
  MIN_SECRET_LENGTH,
  REDACTED,
  REDACTED_JWT,
  REDACTED_PRIVATE_KEY,
  SecretRegistry,
  defaultSecretRegistry,
  registerSecret,
  scrubSecrets,
  unregisterSecret,
} from './secret-registry.js';
export { SECRET_KEY_NAMES, isSecretKey } from './secret-keys.js';
export { redactValue } from './redact-value.js';
export { formatPrettyLine } from './pretty.js';
export { activeTraceFields } from './trace-context.js';
