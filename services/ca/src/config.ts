/**
 * The `ca` section of Signet's config file. Durations are produced in milliseconds.
 *
 * ```yaml
 * ca:
 *   key_manager: disk            # memory | disk (<data_dir>/keys, one PKCS#8 file per key)
 *   key_types: { x509_ca: ec-p256, jwt: ec-p256, svid: ec-p256 }   # ec-p256 | ec-p384 | rsa-2048 | rsa-4096
 *   ca_ttl: 24h                  # X.509 CA lifetime; the next is prepared at 1/2, activated at 5/6
 *   jwt_key_ttl: 24h             # JWT signing key lifetime, same rotation
 *   x509_svid_ttl: 1h            # default workload X.509-SVID lifetime (an entry's own replaces it)
 *   agent_svid_ttl: 1h           # agent X.509-SVID lifetime
 *   jwt_svid_ttl: 5m             # default JWT-SVID lifetime
 *   jwt_issuer: https://oidc.example.org   # `iss` of JWT-SVIDs (optional)
 *   agent_path_prefix: /spire/agent
 *   subject: { country: US, organization: SPIFFE, common_name: Signet CA }
 *   upstream:
 *     type: self-signed          # or disk:
 *     disk: { cert_file: upstream.crt, key_file: upstream.key, bundle_file: roots.pem }
 *   refresh_hint: 5m             # spiffe_refresh_hint of the published bundle
 *   rate_limit: { per_second: 1000, burst: 2000 }   # per caller; per_second 0 disables
 *   rotation_interval: 10s       # how often replicas check rotation and reload the journal
 *   ledger: { flush_interval: 25ms, max_batch: 1000, retention: 1h }   # rows kept this long after their SVID expires
 * ```
 * @module
 */
import { defineSection, s, type Infer } from '@signet/platform';
import { KEY_MANAGERS } from './keymanager/registry.js';
import { KEY_TYPES } from './keymanager/key-types.js';
import { UPSTREAM_TYPES } from './upstream/registry.js';

const HOUR = 3_600_000;

const keyType = () => s.enum(KEY_TYPES);

/** The schema of the `ca` section. */
export const caConfigSchema = s.object({
  key_manager: s.enum(KEY_MANAGERS).default('disk'),
  key_types: s.object({
    x509_ca: keyType().default('ec-p256'),
    jwt: keyType().default('ec-p256'),
    svid: keyType().default('ec-p256'),
  }),
  ca_ttl: s.duration({ min: '10m', max: '3650d' }).default(24 * HOUR),
  jwt_key_ttl: s.duration({ min: '10m', max: '3650d' }).default(24 * HOUR),
  x509_svid_ttl: s.duration({ min: '1m', max: '365d' }).default(HOUR),
  agent_svid_ttl: s.duration({ min: '1m', max: '365d' }).default(HOUR),
  jwt_svid_ttl: s.duration({ min: '10s', max: '7d' }).default(300_000),
  jwt_issuer: s.string({ minLength: 1, maxLength: 2048 }).optional(),
  agent_path_prefix: s
    .string({ pattern: /(\/[A-Za-z0-9._-]+)+/, description: 'a SPIFFE ID path such as "/spire/agent"' })
    .default('/spire/agent'),
  subject: s.object({
    country: s.string({ pattern: /[A-Z]{2}/, description: 'a two-letter country code' }).optional(),
    organization: s.string({ minLength: 1, maxLength: 64 }).default('SPIFFE'),
    common_name: s.string({ minLength: 1, maxLength: 64 }).optional(),
  }),
  upstream: s
    .object({
      type: s.enum(UPSTREAM_TYPES).default('self-signed'),
      disk: s
        .object({
          cert_file: s.string({ minLength: 1 }),
          key_file: s.string({ minLength: 1 }),
          bundle_file: s.string({ minLength: 1 }).optional(),
        })
        .optional(),
    })
    .refine((u) => (u.type === 'disk' && u.disk === undefined ? 'type "disk" needs disk.cert_file and disk.key_file' : undefined)),
  refresh_hint: s.duration({ min: '1s', max: '1d' }).default(300_000),
  rate_limit: s.object({
    per_second: s.int({ min: 0, max: 1_000_000 }).default(1000),
    burst: s.int({ min: 1, max: 1_000_000 }).default(2000),
  }),
  rotation_interval: s.duration({ min: '1s', max: '1h' }).default(10_000),
  ledger: s.object({
    flush_interval: s.duration({ min: '1ms', max: '10s' }).default(25),
    max_batch: s.int({ min: 1, max: 10_000 }).default(1000),
    retention: s.duration({ min: 0, max: '365d' }).default(3_600_000),
  }),
});

/** The typed `ca` section. */
export type CaConfig = Infer<typeof caConfigSchema>;

/**
 * The `ca` section, for `configSchema(coreSections(), caSection, ...)`.
 *
 * @example
 * ```ts
 * const schema = configSchema(coreSections(), caSection);
 * const { config } = loadConfig({ schema, file, env: process.env });
 * config.ca.ca_ttl; // 86_400_000
 * ```
 */
export const caSection = defineSection('ca', caConfigSchema);
