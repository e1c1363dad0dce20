/**
 * The `registrar` section of Signet's config file: the limits the registrar enforces on entries,
 * join tokens and listings.
 *
 * ```yaml
 * registrar:
 *   max_x509_svid_ttl: 14d      # largest x509_svid_ttl an entry may ask for (0 = CA default is always allowed)
 *   max_jwt_svid_ttl: 24h       # largest jwt_svid_ttl
 *   join_token_ttl: 10m         # lifetime of a join token created with ttl 0
 *   max_join_token_ttl: 24h     # largest ttl a join token may ask for
 *   default_page_size: 100      # page size of listings when the request says 0
 *   max_page_size: 1000         # largest page size accepted (the datastore's limit is 1000)
 *   max_batch_size: 1000        # most items in one batch request
 *   metrics_interval: 30s       # how often the entry and agent gauges are recomputed
 *   sweep_interval: 1m          # how often expired entries and join tokens are deleted (0: never)
 * ```
 *
 * Durations are produced in milliseconds, like every Signet duration.
 *
 * @example
 * ```ts
 * const schema = configSchema(coreSections(), registrarSection);
 * const { config } = loadConfig({ schema, env: process.env });
 * const limits = registrarLimits(config.registrar);
 * ```
 * @module
 */
import { defineSection, s, type Infer } from '@signet/platform';

const MAX_INT32_SECONDS_MS = 2_147_483_647_000;

/** The schema of the `registrar` section. */
export const registrarConfigSchema = s
  .object({
    max_x509_svid_ttl: s.duration({ min: '1s', max: MAX_INT32_SECONDS_MS }).default(14 * 86_400_000),
    max_jwt_svid_ttl: s.duration({ min: '1s', max: MAX_INT32_SECONDS_MS }).default(86_400_000),
    join_token_ttl: s.duration({ min: '1s', max: '365d' }).default(600_000),
    max_join_token_ttl: s.duration({ min: '1s', max: '365d' }).default(86_400_000),
    default_page_size: s.int({ min: 1, max: 1000 }).default(100),
    max_page_size: s.int({ min: 1, max: 1000 }).default(1000),
    max_batch_size: s.int({ min: 1, max: 100_000 }).default(1000),
    metrics_interval: s.duration({ min: '1s', max: '1h' }).default(30_000),
    /** How often expired entries and join tokens are deleted (0 turns the sweep off). */
    sweep_interval: s.duration({ min: '0s', max: '1d' }).default(60_000),
  })
  .refine((c) => {
    if (c.join_token_ttl > c.max_join_token_ttl) return 'join_token_ttl must not exceed max_join_token_ttl';
    if (c.default_page_size > c.max_page_size) return 'default_page_size must not exceed max_page_size';
    return undefined;
  });

/** The typed `registrar` section (durations in milliseconds). */
export type RegistrarConfig = Infer<typeof registrarConfigSchema>;

/** The section for `configSchema(coreSections(), registrarSection, …)`. */
export const registrarSection = defineSection('registrar', registrarConfigSchema);

/** The values an empty `registrar` section produces. */
export const DEFAULT_REGISTRAR_CONFIG: RegistrarConfig = Object.freeze({
  max_x509_svid_ttl: 14 * 86_400_000,
  max_jwt_svid_ttl: 86_400_000,
  join_token_ttl: 600_000,
  max_join_token_ttl: 86_400_000,
  default_page_size: 100,
  max_page_size: 1000,
  max_batch_size: 1000,
  metrics_interval: 30_000,
  sweep_interval: 60_000,
});

/** The registrar's limits in the units the API speaks (seconds for TTLs). */
export interface RegistrarLimits {
  /** Largest `x509_svid_ttl` of an entry, in seconds. */
  readonly maxX509SvidTtl: number;
  /** Largest `jwt_svid_ttl` of an entry, in seconds. */
  readonly maxJwtSvidTtl: number;
  /** Join token lifetime when the request says 0, in seconds. */
  readonly joinTokenTtl: number;
  /** Largest join token lifetime, in seconds. */
  readonly maxJoinTokenTtl: number;
  /** Page size when the request says 0. */
  readonly defaultPageSize: number;
  /** Largest page size accepted. */
  readonly maxPageSize: number;
  /** Most items in one batch request. */
  readonly maxBatchSize: number;
}

/** Converts the config section to {@link RegistrarLimits}. */
export function registrarLimits(config: RegistrarConfig = DEFAULT_REGISTRAR_CONFIG): RegistrarLimits {
  const seconds = (ms: number): number => Math.floor(ms / 1000);
  return {
    maxX509SvidTtl: seconds(config.max_x509_svid_ttl),
    maxJwtSvidTtl: seconds(config.max_jwt_svid_ttl),
    joinTokenTtl: seconds(config.join_token_ttl),
    maxJoinTokenTtl: seconds(config.max_join_token_ttl),
    defaultPageSize: config.default_page_size,
    maxPageSize: config.max_page_size,
    maxBatchSize: config.max_batch_size,
  };
}
