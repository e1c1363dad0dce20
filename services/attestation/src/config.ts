/**
 * The `attestation` section of Signet's config file.
 *
 * ```yaml
 * attestation:
 *   agent_svid_ttl: 1h
 *   challenge_timeout: 30s
 *   join_token:
 *     enabled: true
 *   x509pop:                       # enabled when ca_bundle_paths is not empty
 *     ca_bundle_paths: [/etc/signet/node-ca.pem]
 *     fingerprint: sha1            # or sha256
 *     agent_path_template: "{fingerprint}"
 *   k8s_psat:                      # enabled when clusters is not empty
 *     clusters:
 *       prod:
 *         service_account_allow_list: ["spire:spire-agent"]
 *         audience: signet-server
 *         jwks_file: /etc/signet/prod-sa-jwks.json      # or oidc_discovery_url, or api_server alone
 *         api_server: { url: "https://10.0.0.1:6443", ca_file: /etc/signet/prod-ca.pem, token_file: /var/run/secrets/signet/token }
 *         use_token_review: false
 *   sync:
 *     max_entries_per_message: 500
 *     max_message_bytes: 1048576
 *     max_cached_agents: 10000
 *     journal_revisions: 1000
 * ```
 * @module
 */
import { defineSection, s, type Infer } from '@signet/platform';
import { agentPathTemplateProblem } from './attestors/x509pop/agent-path.js';

const clusterSchema = s
  .object({
    service_account_allow_list: s.list(
      s.string({ pattern: /[a-z0-9]([-a-z0-9.]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?/, description: 'a "namespace:name" pair' }),
      { minItems: 1 },
    ),
    audience: s.string({ minLength: 1 }).default('signet-server'),
    jwks_file: s.string({ minLength: 1 }).optional(),
    oidc_discovery_url: s.url({ protocols: ['https:'] }).optional(),
    issuer: s.string({ minLength: 1 }).optional(),
    api_server: s
      .object({
        url: s.url({ protocols: ['https:'] }),
        ca_file: s.string({ minLength: 1 }).optional(),
        token_file: s.string({ minLength: 1 }).optional(),
      })
      .optional(),
    use_token_review: s.bool().default(false),
    allowed_node_label_keys: s.list(s.string({ minLength: 1 })).optional(),
    allowed_pod_label_keys: s.list(s.string({ minLength: 1 })).optional(),
  })
  .refine((c) => {
    if (c.use_token_review && c.api_server === undefined) return 'use_token_review needs api_server';
    if (c.jwks_file !== undefined && c.oidc_discovery_url !== undefined) return 'set only one of jwks_file and oidc_discovery_url';
    if (!c.use_token_review && c.jwks_file === undefined && c.oidc_discovery_url === undefined && c.api_server === undefined) {
      return 'expected a way to verify tokens: jwks_file, oidc_discovery_url, api_server (OIDC discovery), or use_token_review with api_server';
    }
    return undefined;
  });

/** The schema of the `attestation` section. */
export const attestationSchema = s.object({
  /** Lifetime of agent X.509-SVIDs. */
  agent_svid_ttl: s.duration({ min: '1m', max: '30d' }).default(3_600_000),
  /** How long a node may take to answer a challenge. */
  challenge_timeout: s.duration({ min: '1s', max: '10m' }).default(30_000),
  join_token: s.object({ enabled: s.bool().default(true) }),
  x509pop: s.object({
    ca_bundle_paths: s.list(s.string({ minLength: 1 })).default([]),
    fingerprint: s.enum(['sha1', 'sha256'] as const).default('sha1'),
    agent_path_template: s.string().refine(agentPathTemplateProblem).optional(),
  }),
  k8s_psat: s.object({
    clusters: s
      .record(clusterSchema, { keyPattern: /[a-zA-Z0-9._-]{1,63}/, keyDescription: 'a cluster name of letters, digits, ".", "-" or "_"' })
      .default({}),
  }),
  sync: s.object({
    max_entries_per_message: s.int({ min: 1, max: 10_000 }).default(500),
    max_message_bytes: s.int({ min: 16 * 1024, max: 16 * 1024 * 1024 }).default(1024 * 1024),
    max_cached_agents: s.int({ min: 1, max: 10_000_000 }).default(10_000),
    journal_revisions: s.int({ min: 0, max: 1_000_000 }).default(1_000),
  }),
});

/**
 * The config section, for `configSchema(coreSections(), attestationSection, …)`.
 *
 * @example
 * ```ts
 * const schema = configSchema(coreSections(), attestationSection);
 * const { config } = loadConfig({ schema, file });
 * config.attestation.agent_svid_ttl; // milliseconds
 * ```
 */
export const attestationSection = defineSection('attestation', attestationSchema);

/** The typed `attestation` section (durations in milliseconds). */
export type AttestationConfig = Infer<typeof attestationSchema>;

/** The typed config of one k8s_psat cluster. */
export type K8sPsatClusterConfig = Infer<typeof clusterSchema>;
