/**
 * The `agent` section of Signet's config file.
 *
 * ```yaml
 * agent:
 *   server_address: 127.0.0.1:8081          # the control plane's agent endpoint
 *   ca_address: 127.0.0.1:8082              # only when the CA runs apart (signet ca); default server_address
 *   server_spiffe_id: spiffe://example.org/spire/server   # default: spiffe://<trust domain>/spire/server
 *   trust_bundle_path: /etc/signet/bundle.pem            # the server's roots, for the first start
 *   socket_path: /run/signet/agent.sock     # default: <data dir>/agent.sock
 *   node_attestor: join_token               # or x509pop, k8s_psat
 *   join_token: ""                          # secret; or SIGNET_AGENT_JOIN_TOKEN
 *   x509pop: { certificate_path: /etc/signet/node.pem, private_key_path: /etc/signet/node.key }
 *   k8s_psat: { cluster: prod, token_path: /var/run/secrets/tokens/signet-agent }
 *   workload_attestors:
 *     unix: { enabled: true, hash_binary: false, max_hash_size: 64MiB }
 *     k8s: { enabled: false, kubelet_url: https://127.0.0.1:10250, ca_file: ..., token_file: ... }
 *   svid_key_type: ec-p256                  # or ec-p384, rsa-2048
 *   max_svids: 1000                         # beyond this, idle identities are dropped and re-issued on demand
 *   jwt_svid_cache_size: 1000
 *   sds:
 *     default_svid_name: default
 *     default_bundle_name: ROOTCA
 *     default_all_bundles_name: ALL
 *     disable_spiffe_cert_validation: false
 *     bundle_first_timeout: 2s
 *     nack_history: 64
 * ```
 * @module
 */
import { defineSection, s, type Infer } from '@signet/platform';

/** The schema of the `agent` section. */
export const agentSchema = s.object({
  server_address: s.string({ minLength: 1 }).default('127.0.0.1:8081'),
  /** The CA's address when it runs apart from attestation (standalone `signet ca`); default server_address. */
  ca_address: s.string({ minLength: 1 }).optional(),
  server_spiffe_id: s.string({ minLength: 1 }).optional(),
  trust_bundle_path: s.string({ minLength: 1 }).optional(),
  socket_path: s.string({ minLength: 1 }).optional(),
  node_attestor: s.enum(['join_token', 'x509pop', 'k8s_psat'] as const).default('join_token'),
  join_token: s.string({ minLength: 1 }).secret().optional(),
  x509pop: s
    .object({
      certificate_path: s.string({ minLength: 1 }),
      private_key_path: s.string({ minLength: 1 }),
    })
    .optional(),
  k8s_psat: s
    .object({
      cluster: s.string({ minLength: 1 }),
      token_path: s.string({ minLength: 1 }).default('/var/run/secrets/tokens/signet-agent'),
    })
    .optional(),
  workload_attestors: s.object({
    unix: s.object({
      enabled: s.bool().default(true),
      hash_binary: s.bool().default(false),
      max_hash_size: s.int({ min: 0, max: 4 * 1024 * 1024 * 1024 }).default(64 * 1024 * 1024),
    }),
    k8s: s.object({
      enabled: s.bool().default(false),
      kubelet_url: s.url({ protocols: ['http:', 'https:'] }).default('https://127.0.0.1:10250'),
      ca_file: s.string({ minLength: 1 }).optional(),
      token_file: s.string({ minLength: 1 }).default('/var/run/secrets/kubernetes.io/serviceaccount/token'),
      skip_kubelet_verification: s.bool().default(false),
    }),
  }),
  svid_key_type: s.enum(['ec-p256', 'ec-p384', 'rsa-2048'] as const).default('ec-p256'),
  max_svids: s.int({ min: 1, max: 1_000_000 }).default(1_000),
  jwt_svid_cache_size: s.int({ min: 1, max: 1_000_000 }).default(1_000),
  sds: s.object({
    default_svid_name: s.string({ minLength: 1 }).default('default'),
    default_bundle_name: s.string({ minLength: 1 }).default('ROOTCA'),
    default_all_bundles_name: s.string({ minLength: 1 }).default('ALL'),
    disable_spiffe_cert_validation: s.bool().default(false),
    /** CA rotation order: how long SVID pushes wait for the new bundle's ACKs (0 turns the wait off). */
    bundle_first_timeout: s.duration({ min: '0s', max: '1m' }).default(2_000),
    /** How many recent NACKs are kept for diagnosis. */
    nack_history: s.int({ min: 0, max: 10_000 }).default(64),
  }),
});

/** The config section, for `configSchema(coreSections(), agentSection, …)`. */
export const agentSection = defineSection('agent', agentSchema);

/** The typed `agent` section. */
export type AgentConfig = Infer<typeof agentSchema>;
