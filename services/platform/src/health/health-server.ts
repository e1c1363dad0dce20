/**
 * The health server every Signet process runs: liveness, readiness and Prometheus metrics.
 * @module
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { MetricsHandler } from '../telemetry/prometheus.js';
import { runChecks, type ReadinessCheck } from './checks.js';

/** Options of {@link createHealthServer}. */
export interface HealthServerOptions {
  /** Interface to listen on (config `health.host`, default `127.0.0.1`). */
  readonly host: string;
  /** Port to listen on; 0 picks a free one (config `health.port`). */
  readonly port: number;
  /** Readiness checks by name; more can be added with `addCheck`. */
  readonly checks?: Readonly<Record<string, ReadinessCheck>>;
  /** Serves `GET /metrics` when given (from `startTelemetry`). */
  readonly metricsHandler?: MetricsHandler;
  /** Logs check failures and recoveries. */
  readonly logger: Logger;
  /** How long each readiness check may take (default 2000 ms). */
  readonly checkTimeoutMs?: number;
  /** Time source for check timeouts (default the system clock). */
  readonly clock?: Clock;
}

/** Where a server listens. */
export interface BoundAddress {
  /** The bound address, e.g. `127.0.0.1`. */
  readonly host: string;
  /** The bound port (the real one when 0 was asked). */
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
}

/** A health server, built but not yet listening. */
export interface HealthServer {
  /** The fastify instance, e.g. for `inject()` in tests. */
  readonly app: FastifyInstance;
  /** Adds a readiness check; throws a `TypeError` if the name is taken. */
  addCheck(name: string, check: ReadinessCheck): void;
  /** Removes a readiness check; returns whether it existed. */
  removeCheck(name: string): boolean;
  /** Starts listening and returns the bound address. */
  listen(): Promise<BoundAddress>;
  /** Stops listening. */
  close(): Promise<void>;
}

/**
 * Builds the health server:
 * - `GET /healthz/live`: 200 `{"status":"ok"}` while the process runs;
 * - `GET /healthz/ready`: runs every check (each with a timeout) and answers 200
 *   `{"status":"ok","checks":{…}}`, or 503 `{"status":"unavailable","checks":{…}}` naming each
 *   failing check and its error;
 * - `GET /metrics`: Prometheus text, when a `metricsHandler` is given.
 *
 * @example
 * ```ts
 * const health = createHealthServer({ ...config.health, logger, metricsHandler: telemetry.metricsHandler });
 * health.addCheck('database', () => db.query('select 1'));
 * const { url } = await health.listen();
 * ```
 */
export function createHealthServer(options: HealthServerOptions): HealthServer {
  const logger = options.logger.child({ component: 'health' });
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  const checks = new Map<string, ReadinessCheck>();
  const failing = new Set<string>();
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, disableRequestLogging: true });

  const addCheck = (name: string, check: ReadinessCheck): void => {
    if (typeof check !== 'function') throw new TypeError(`readiness check "${name}" must be a function`);
    if (checks.has(name)) throw new TypeError(`readiness check "${name}" is already registered`);
    checks.set(name, check);
  };
  for (const [name, check] of Object.entries(options.checks ?? {})) addCheck(name, check);

  app.get('/healthz/live', async () => ({ status: 'ok' }));

  app.get('/healthz/ready', async (_request, reply) => {
    const report = await runChecks(checks, timeoutMs, clock);
    for (const [name, result] of Object.entries(report.checks)) {
      if (result.status === 'fail' && !failing.has(name)) {
        failing.add(name);
        logger.warn({ check: name, error: result.error }, 'readiness check failing');
      } else if (result.status === 'ok' && failing.delete(name)) {
        logger.info({ check: name }, 'readiness check recovered');
      }
    }
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });

  const metricsHandler = options.metricsHandler;
  if (metricsHandler !== undefined) {
    app.get('/metrics', (request, reply) => {
      reply.hijack();
      metricsHandler(request.raw, reply.raw);
    });
  }

  return {
    app,
    addCheck,
    removeCheck: (name) => {
      failing.delete(name);
      return checks.delete(name);
    },
    async listen() {
      await app.listen({ host: options.host, port: options.port });
      const bound = app.server.address() as AddressInfo;
      const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      return { host: bound.address, port: bound.port, url: `http://${host}:${bound.port}` };
    },
    close: () => app.close(),
  };
}
