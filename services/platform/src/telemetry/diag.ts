/**
 * Routing OpenTelemetry's own diagnostics (failed exports, misuse) to the Signet logger, so
 * that a collector being down shows up in the logs instead of vanishing.
 * @module
 */
import { DiagLogLevel, diag, type DiagLogger } from '@opentelemetry/api';
import type { Logger } from '../log/logger.js';

/** Installs `logger` as OpenTelemetry's diagnostic logger at warning level and above. */
export function installDiagLogger(logger: Logger): void {
  const child = logger.child({ component: 'opentelemetry' });
  const write =
    (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (message: string, ...args: unknown[]): void => {
      if (args.length === 0) child[level](message);
      else child[level]({ details: args }, message);
    };
  const bridge: DiagLogger = {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    verbose: write('trace'),
  };
  diag.setLogger(bridge, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}
