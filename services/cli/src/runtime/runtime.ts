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
export interface Runtime extends BaseRuntime {
  readonly db: Db;
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

/** The part of a runtime every process has: logger, telemetry and health server, without a datastore. */
export interface BaseRuntime {
  readonly config: SignetConfig;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly health: HealthServer;
  readonly healthAddress: BoundAddress;
  /** Runs `fn` at `close()`, before what was started earlier. */
  onClose(name: string, fn: () => Promise<unknown>): void;
  close(): Promise<void>;
}

/**
 * Starts logger, telemetry and (after `beforeHealth`) the health server. `beforeHealth` may open
 * what the readiness checks need. On failure, whatever was started is stopped again.
 */
export async function startBaseRuntime(
  options: RuntimeOptions,
  beforeHealth?: (base: { dataDir: string; logger: Logger; onClose: BaseRuntime['onClose'] }) => Promise<Record<string, () => Promise<void>>>,
): Promise<BaseRuntime> {
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
  const onClose = (name: string, fn: () => Promise<unknown>): void => {
    closers.push([name, fn]);
  };
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
    onClose('telemetry', () => telemetry.shutdown());
    const checks = (await beforeHealth?.({ dataDir, logger, onClose })) ?? {};
    const health = createHealthServer({
      host: config.health.host,
      port: config.health.port,
      logger,
      ...(telemetry.metricsHandler ? { metricsHandler: telemetry.metricsHandler } : {}),
      checks,
    });
    const healthAddress = await health.listen();
    onClose('health', () => health.close());
    return { config, dataDir, logger, telemetry, health, healthAddress, onClose, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Starts the shared runtime with the datastore (migrated). On failure, whatever was started is stopped again. */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  let db: Db | undefined;
  const base = await startBaseRuntime(options, async ({ dataDir, logger, onClose }) => {
    const { config } = options.loaded;
    const opened = await openDatastore({
      url: config.database.url,
      dataDir,
      poolSize: config.database.pool_size,
      statementTimeoutMs: config.database.statement_timeout,
      logger: datastoreLogger(logger.child({ component: 'datastore' })),
    });
    db = opened;
    onClose('datastore', () => opened.close());
    return { database: async () => void (await opened.query('select 1')) };
  });
  base.logger.info({ data_dir: base.dataDir, engine: db!.engine, health: base.healthAddress.url, trust_domain: base.config.trust_domain }, 'runtime started');
  return { ...base, db: db! };
}
