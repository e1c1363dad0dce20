/**
 * Capturing log output in tests.
 * @module
 */

/** A destination that keeps every line written to it. */
export interface LogCapture {
  /** Pass as `destination` to `createLogger`. */
  readonly stream: { write(line: string): void };
  /** Everything written so far. */
  readonly text: string;
  /** The lines written so far, without their newlines. */
  lines(): string[];
  /** The lines parsed as JSON objects (for the `json` format). */
  records(): Record<string, unknown>[];
  /** Forgets what was written. */
  clear(): void;
}

/**
 * Creates a {@link LogCapture}.
 *
 * @example
 * ```ts
 * const logs = captureLogs();
 * const log = createLogger({ level: 'info', service: 'ca', destination: logs.stream });
 * log.info('hello');
 * assert.equal(logs.records()[0]?.msg, 'hello');
 * ```
 */
export function captureLogs(): LogCapture {
  let text = '';
  return {
    stream: {
      write(line: string) {
        text += line;
      },
    },
    get text() {
      return text;
    },
    lines: () => text.split('\n').filter((line) => line !== ''),
    records: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    clear: () => {
      text = '';
    },
  };
}
