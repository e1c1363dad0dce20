/**
 * The config sections every Signet process shares: trust domain, data directory, database,
 * logging, telemetry and the health server. Services add theirs with `defineSection`.
 * @module
 */
import { configSchema, type ConfigOf } from './config-schema.js';
import { s, type Refinement } from './schema/index.js';

/** Log levels accepted in `log.level`, quietest last. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

/** Log formats accepted in `log.format`. */
export const LOG_FORMATS = ['json', 'pretty'] as const;

/**
 * OTLP protocols accepted in `telemetry.otlp.protocol`. Only OTLP/HTTP with JSON bodies is
 * built in: the protobuf exporters are not among Signet's dependencies.
 */
export const OTLP_PROTOCOLS = ['http/json'] as const;

const TRUST_DOMAIN_CHARS = /^[a-z0-9._-]{1,255}$/;

/**
 * Signet's own rule for trust domain names: 1 to 255 characters, each a lowercase letter,
 * digit, `.`, `-` or `_`. Returns the reason when broken (a {@link Refinement}).
 */
export const checkTrustDomainName: Refinement<string> = (value) =>
  TRUST_DOMAIN_CHARS.test(value)
    ? undefined
    : 'expected a trust domain name: 1 to 255 lowercase letters, digits, ".", "-" or "_"';

/** Options of {@link coreSections}. */
export interface CoreSectionsOptions {
  /**
   * An extra check of `trust_domain`, run after the built-in character rule. Return a reason
   * or throw to reject; e.g. `(v) => void TrustDomain.parse(v)` from `@signet/spiffe`.
   */
  readonly checkTrustDomain?: Refinement<string>;
}

/**
 * The shared sections, for `configSchema(coreSections(), ...serviceSections)`.
 *
 * Durations are produced in **milliseconds**. Defaults:
 * `trust_domain: example.org`, `data_dir: ./.signet`, `database.pool_size: 10`,
 * `database.statement_timeout: 30s` (0 disables), `log.level: info`, `log.format: json`,
 * `telemetry.service_name: signet`, `telemetry.prometheus.enabled: true`,
 * `telemetry.prometheus.host: 127.0.0.1`, `telemetry.otlp.protocol: http/json`,
 * `telemetry.otlp.interval: 60s`, `health.host: 127.0.0.1`, `health.port: 0`.
 * `database.url` unset means the embedded PGlite database inside `data_dir`;
 * `telemetry.prometheus.port` unset means `/metrics` is served by the health server;
 * `telemetry.otlp.endpoint` unset means nothing is exported over OTLP.
 */
export function coreSections(options: CoreSectionsOptions = {}) {
  let trustDomain = s.string().default('example.org').refine(checkTrustDomainName);
  if (options.checkTrustDomain !== undefined) trustDomain = trustDomain.refine(options.checkTrustDomain);
  return {
    trust_domain: trustDomain,
    data_dir: s.string({ minLength: 1 }).default('./.signet'),
    database: s.object({
      url: s.url({ protocols: ['postgres:', 'postgresql:'] }).secret().optional(),
      pool_size: s.int({ min: 1, max: 1000 }).default(10),
      statement_timeout: s.duration({ min: 0, max: '1h' }).default(30_000),
    }),
    log: s.object({
      level: s.enum(LOG_LEVELS).default('info'),
      format: s.enum(LOG_FORMATS).default('json'),
    }),
    telemetry: s.object({
      service_name: s
        .string({ pattern: /[a-z][a-z0-9._-]{0,62}/, description: 'a lowercase service name such as "signet"' })
        .default('signet'),
      prometheus: s.object({
        enabled: s.bool().default(true),
        host: s.string({ minLength: 1 }).default('127.0.0.1'),
        port: s.int({ min: 0, max: 65535 }).optional(),
      }),
      otlp: s.object({
        endpoint: s.url({ protocols: ['http:', 'https:'] }).optional(),
        protocol: s.enum(OTLP_PROTOCOLS).default('http/json'),
        headers: s.record(s.string()).secret().default({}),
        interval: s.duration({ min: '1s', max: '1h' }).default(60_000),
      }),
      resource_attributes: s.record(s.string()).default({}),
    }),
    health: s.object({
      host: s.string({ minLength: 1 }).default('127.0.0.1'),
      port: s.int({ min: 0, max: 65535 }).default(0),
    }),
  };
}

/** The root schema with only the shared sections (what `signet config check` uses by default). */
export const coreConfigSchema = configSchema(coreSections());

/** The typed shared config. */
export type CoreConfig = ConfigOf<typeof coreConfigSchema>;
