/**
 * The process runtime every Signet process starts with: logger, telemetry, datastore (migrated),
 * health server with a database readiness check, and ordered shutdown. Services build on it.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  createHealthServer,
  createLogger,
  registerSecret,
  startTelemetry,
  telemetryOptionsFromConfig,
  type BoundAddress,
  type HealthServer,
  type Logger,
  type Telemetry,
} from '@signet/platform';
import { openDatastore, type Db, type DatastoreLogger } from '@signet/datastore';
import type { LoadedConfig } from '@signet/platform';
import type { SignetConfig } from './load-config.js';

/** A started runtime. `close()` stops everything in reverse order of start. */
export interface Runtime {
  readonly config: SignetConfig;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly db: Db;
  readonly health: HealthServer;
  readonly healthAddress: BoundAddress;
  close(): Promise<void>;
}

/** Options of {@link startRuntime}. */
export interface RuntimeOptions {
  readonly loaded: LoadedConfig<SignetConfig>;
  /** The service running alone (`ca`, ...); omitted for `signet server`. */
  readonly service?: string;
  readonly version: string;
  /** Where log lines go (default standard output). */
  readonly logDestination?: { write(s: string): unknown };
}

/** Adapts a pino logger to the datastore's narrow logger interface. */
function datastoreLogger(log: Logger): DatastoreLogger {
  return {
    info: (m, f) => log.info(f ?? {}, m),
    warn: (m, f) => log.warn(f ?? {}, m),
    error: (m, f) => log.error(f ?? {}, m),
  };
}

/** Starts the shared runtime. On failure, whatever was started is stopped again. */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, secrets } = options.loaded;
  for (const s of secrets) registerSecret(s);
  const service = options.service ?? 'server';
  const logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    service,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const closers: Array<[string, () => Promise<unknown>]> = [];
  const close = async () => {
    for (const [name, fn] of closers.reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.warn({ err, component: name }, 'error while stopping');
      }
    }
    closers.length = 0;
  };
  try {
    const dataDir = resolve(config.data_dir);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const telemetry = await startTelemetry(
      telemetryOptionsFromConfig(config, { ...(options.service ? { service: options.service } : {}), version: options.version, logger }),
    );
    closers.push(['telemetry', () => telemetry.shutdown()]);
    const db = await openDatastore({
      url: config.database.url,
      dataDir,
      poolSize: config.database.pool_size,
      statementTimeoutMs: config.database.statement_timeout,
      logger: datastoreLogger(logger.child({ component: 'datastore' })),
    });
    closers.push(['datastore', () => db.close()]);
    const health = createHealthServer({
      host: config.health.host,
      port: config.health.port,
      logger,
      ...(telemetry.metricsHandler ? { metricsHandler: telemetry.metricsHandler } : {}),
      checks: { database: async () => void (await db.query('select 1')) },
    });
    const healthAddress = await health.listen();
    closers.push(['health', () => health.close()]);
    logger.info({ data_dir: dataDir, engine: db.engine, health: healthAddress.url, trust_domain: config.trust_domain }, 'runtime started');
    return { config, dataDir, logger, telemetry, db, health, healthAddress, close };
  } catch (err) {
    await close();
    throw err;
  }
}
