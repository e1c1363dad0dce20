/**
 * Signet's logger: pino with the service name and active trace ids on every line, and
 * secrets kept out of every line.
 * @module
 */
import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { formatPrettyLine } from './pretty.js';
import { redactValue } from './redact-value.js';
import { pinoRedactPaths } from './secret-keys.js';
import { defaultSecretRegistry, type SecretRegistry } from './secret-registry.js';
import { activeTraceFields } from './trace-context.js';

/** A Signet logger (a pino logger). */
export type Logger = PinoLogger;

/** Log levels, most verbose first. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Log line formats: `json` (one JSON object per line) or `pretty` (one human line). */
export type LogFormat = 'json' | 'pretty';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The least severe level written. */
  readonly level: LogLevel;
  /** Line format (default `json`). */
  readonly format?: LogFormat;
  /** The service name written on every line as `service`. */
  readonly service: string;
  /** Where lines go (default: standard output). Anything with `write(string)`. */
  readonly destination?: DestinationStream;
  /** Extra fields written on every line. */
  readonly base?: Readonly<Record<string, unknown>>;
  /** The secrets to scrub (default: the process-wide registry fed by `registerSecret`). */
  readonly secrets?: SecretRegistry;
}

/**
 * Creates a logger. Every line carries `service`, and `trace_id`/`span_id` when a span is
 * active. Secrets never reach a line, in three layers:
 *  1. pino's `redact` removes secret keys (`token`, `password`, `authorization`, …) at the
 *     top level and one level down;
 *  2. a formatter walks logged objects and child bindings at any depth, redacting secret
 *     keys and scrubbing strings, including error messages and stacks;
 *  3. the finished line is scrubbed of PEM private keys, JWTs and registered secrets, which
 *     covers the message text and interpolated arguments.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'info', service: 'ca' });
 * log.info({ join_token: token }, 'node attested'); // {"level":"info",…,"service":"ca","join_token":"[REDACTED]",…}
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const registry = options.secrets ?? defaultSecretRegistry;
  const pretty = options.format === 'pretty';
  return pino(
    {
      level: options.level,
      base: {
        pid: process.pid,
        hostname: hostname(),
        ...(options.base ?? {}),
        service: options.service,
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: pinoRedactPaths(), censor: '[REDACTED]' },
      mixin: activeTraceFields,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactValue(bindings, registry) as Record<string, unknown>,
        log: (object) => redactValue(object, registry, ['err', 'error']) as Record<string, unknown>,
      },
      hooks: {
        streamWrite: (line) => {
          const scrubbed = registry.scrub(line);
          return pretty ? formatPrettyLine(scrubbed) : scrubbed;
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
