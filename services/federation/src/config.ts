/**
 * The `federation` section of Signet's config file. Durations are produced in milliseconds.
 *
 * ```yaml
 * federation:
 *   bundle_endpoint:             # serves this trust domain's bundle to federated trust domains
 *     enabled: true
 *     host: 127.0.0.1
 *     port: 8443                 # 0: any free port (see endpoints.json)
 *     profile: https_spiffe      # https_spiffe (the server's X.509-SVID) | https_web (cert_file + key_file)
 *     cert_file: /etc/signet/bundle.crt   # https_web: certificate chain (PEM), reloaded when it changes
 *     key_file: /etc/signet/bundle.key    # https_web: its private key (PEM)
 *     path: /                    # the URL path the bundle is served on
 *     refresh_hint: 5m           # overrides the spiffe_refresh_hint the CA published (optional)
 *   fetch:                       # fetching the bundles of federated trust domains
 *     min_refresh_interval: 30s  # lower bound of a remote's spiffe_refresh_hint, and first retry delay
 *     max_refresh_interval: 1h   # upper bound of a remote's spiffe_refresh_hint
 *     default_refresh_interval: 5m   # when the remote bundle has no spiffe_refresh_hint
 *     fetch_timeout: 10s         # whole request: connect, TLS, headers and body
 *     max_bundle_size: 1048576   # bytes; a larger body is refused (reading stops there)
 *     extra_ca_files: []         # PEM files trusted for https_web in addition to the system CAs
 *   oidc:                        # OIDC discovery for JWT-SVIDs (AWS, GCP, Azure workload identity federation)
 *     enabled: false
 *     host: 127.0.0.1
 *     port: 8444                 # 0: any free port
 *     issuer: https://oidc.example.org   # must equal ca.jwt_issuer; default: this listener's URL
 *     cert_file: /etc/signet/oidc.crt    # optional: serve HTTPS (both or neither)
 *     key_file: /etc/signet/oidc.key
 *     max_age: 5m                # Cache-Control max-age of the discovery document and the JWKS
 * ```
 * @module
 */
import { defineSection, s, type Infer } from '@signet/platform';

/** Bundle endpoint profiles (SPIFFE Federation §5.2). */
export const BUNDLE_ENDPOINT_PROFILES = ['https_spiffe', 'https_web'] as const;

/** A bundle endpoint profile. */
export type BundleEndpointProfileName = (typeof BUNDLE_ENDPOINT_PROFILES)[number];

const host = () => s.string({ minLength: 1, maxLength: 253 }).default('127.0.0.1');
const file = () => s.string({ minLength: 1 }).optional();

/** The schema of the `federation` section. */
export const federationConfigSchema = s.object({
  bundle_endpoint: s
    .object({
      enabled: s.bool().default(true),
      host: host(),
      port: s.int({ min: 0, max: 65535 }).default(8443),
      profile: s.enum(BUNDLE_ENDPOINT_PROFILES).default('https_spiffe'),
      cert_file: file(),
      key_file: file(),
      path: s.string({ pattern: /\/[\x21-\x7e]*/, description: 'an absolute URL path such as "/" or "/bundle.json"' }).default('/'),
      refresh_hint: s.duration({ min: '1s', max: '7d' }).optional(),
    })
    .refine((e) => {
      if (e.profile === 'https_web' && (e.cert_file === undefined || e.key_file === undefined)) {
        return 'profile "https_web" needs cert_file and key_file (a certificate for the endpoint\'s DNS name or IP address)';
      }
      if (e.profile === 'https_spiffe' && (e.cert_file !== undefined || e.key_file !== undefined)) {
        return 'cert_file and key_file are for profile "https_web"; "https_spiffe" serves with the server\'s X.509-SVID';
      }
      return undefined;
    }),
  fetch: s
    .object({
      min_refresh_interval: s.duration({ min: '1s', max: '1d' }).default(30_000),
      max_refresh_interval: s.duration({ min: '1s', max: '7d' }).default(3_600_000),
      default_refresh_interval: s.duration({ min: '1s', max: '7d' }).default(300_000),
      fetch_timeout: s.duration({ min: '10ms', max: '5m' }).default(10_000),
      max_bundle_size: s.int({ min: 1024, max: 64 * 1024 * 1024 }).default(1_048_576),
      extra_ca_files: s.list(s.string({ minLength: 1 })).default([]),
    })
    .refine((f) =>
      f.min_refresh_interval > f.max_refresh_interval ? 'min_refresh_interval must not exceed max_refresh_interval' : undefined,
    ),
  oidc: s
    .object({
      enabled: s.bool().default(false),
      host: host(),
      port: s.int({ min: 0, max: 65535 }).default(8444),
      issuer: s.url({ protocols: ['https:', 'http:'] }).optional(),
      cert_file: file(),
      key_file: file(),
      max_age: s.duration({ min: 0, max: '1d' }).default(300_000),
    })
    .refine((o) => ((o.cert_file === undefined) !== (o.key_file === undefined) ? 'cert_file and key_file go together' : undefined)),
});

/** The typed `federation` section. */
export type FederationConfig = Infer<typeof federationConfigSchema>;

/**
 * The `federation` section, for `configSchema(coreSections(), federationSection, ...)`.
 *
 * @example
 * ```ts
 * const schema = configSchema(coreSections(), caSection, federationSection);
 * const { config } = loadConfig({ schema, file, env: process.env });
 * config.federation.fetch.fetch_timeout; // 10_000
 * ```
 */
export const federationSection = defineSection('federation', federationConfigSchema);
