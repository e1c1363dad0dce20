/**
 * The minimal logger the datastore writes to (lost connections, reconnects,
 * migrations applied). Any structured logger (pino, the platform logger)
 * satisfies it.
 *
 * @example
 * ```ts
 * const db = await openDatastore({ dataDir: './data', logger: { info: console.info, warn: console.warn, error: console.error } });
 * ```
 * @module
 */

/** Structured fields attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A logger with three levels. */
export interface DatastoreLogger {
  /** Normal operation worth recording (a migration applied). */
  info(message: string, fields?: LogFields): void;
  /** Something went wrong and was handled (a lost connection that is being re-established). */
  warn(message: string, fields?: LogFields): void;
  /** Something went wrong and could not be handled here. */
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything (tests, or callers that observe errors otherwise). */
export const silentLogger: DatastoreLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Writes one JSON line per message to stderr; the default when no logger is given. */
export const stderrLogger: DatastoreLogger = {
  info: (message, fields) => writeLine('info', message, fields),
  warn: (message, fields) => writeLine('warn', message, fields),
  error: (message, fields) => writeLine('error', message, fields),
};

function writeLine(level: string, message: string, fields: LogFields | undefined): void {
  const line = { level, time: new Date().toISOString(), component: 'datastore', msg: message, ...fields };
  process.stderr.write(`${JSON.stringify(line, errorReplacer)}\n`);
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
