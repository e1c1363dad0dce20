/**
 * The built-in node attestors and how each is enabled and built from the `attestation`
 * config section. Any number of them may be enabled at once; each answers its own
 * `attestation_type`.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { Queryable } from '@signet/datastore';
import type { Clock } from '@signet/platform';
import type { AttestationConfig, K8sPsatClusterConfig } from '../config.js';
import type { NodeAttestor } from './attestor.js';
import { JOIN_TOKEN_TYPE, joinTokenAttestor } from './join-token/join-token.js';
import type { K8sPsatCluster } from './k8s-psat/cluster.js';
import { fileKeySetLoader, IssuerKeys, oidcKeySetLoader } from './k8s-psat/jwks.js';
import { K8S_PSAT_TYPE, k8sPsatAttestor } from './k8s-psat/k8s-psat.js';
import { KubeApiClient } from './k8s-psat/kube-client.js';
import { loadTrustAnchors } from './x509pop/chain.js';
import { X509POP_TYPE, x509PopAttestor } from './x509pop/x509pop.js';

/** What built-in attestors may need. */
export interface AttestorDeps {
  readonly db: Queryable;
  readonly clock: Clock;
}

/** A built-in attestor: when the config enables it, and how to build it (reading its files). */
export interface BuiltInAttestor {
  readonly type: string;
  enabled(config: AttestationConfig): boolean;
  create(config: AttestationConfig, deps: AttestorDeps): Promise<NodeAttestor>;
}

/** The built-in attestors, in the order they are listed in errors and logs. */
export function builtIns(): readonly BuiltInAttestor[] {
  return [
    {
      type: JOIN_TOKEN_TYPE,
      enabled: (c) => c.join_token.enabled,
      create: async (_c, deps) => joinTokenAttestor({ db: deps.db }),
    },
    {
      type: X509POP_TYPE,
      enabled: (c) => c.x509pop.ca_bundle_paths.length > 0,
      create: async (c) =>
        x509PopAttestor({
          anchors: await loadTrustAnchors(c.x509pop.ca_bundle_paths),
          fingerprint: c.x509pop.fingerprint,
          ...(c.x509pop.agent_path_template === undefined ? {} : { agentPathTemplate: c.x509pop.agent_path_template }),
        }),
    },
    {
      type: K8S_PSAT_TYPE,
      enabled: (c) => Object.keys(c.k8s_psat.clusters).length > 0,
      create: async (c, deps) => {
        const clusters = new Map<string, K8sPsatCluster>();
        for (const [name, cluster] of Object.entries(c.k8s_psat.clusters)) clusters.set(name, await buildCluster(name, cluster, deps.clock));
        return k8sPsatAttestor({ clusters });
      },
    },
  ];
}

/** Builds every enabled attestor, keyed by type. */
export async function loadAttestors(config: AttestationConfig, deps: AttestorDeps): Promise<Map<string, NodeAttestor>> {
  const attestors = new Map<string, NodeAttestor>();
  for (const builtIn of builtIns()) {
    if (builtIn.enabled(config)) attestors.set(builtIn.type, await builtIn.create(config, deps));
  }
  return attestors;
}

/** Builds one k8s_psat cluster from its config (reads the CA file). */
export async function buildCluster(name: string, config: K8sPsatClusterConfig, clock: Clock): Promise<K8sPsatCluster> {
  const server = config.api_server;
  const api =
    server === undefined
      ? undefined
      : new KubeApiClient({
          url: server.url,
          clock,
          ...(server.ca_file === undefined ? {} : { caPem: await readFile(server.ca_file, 'utf8') }),
          ...(server.token_file === undefined ? {} : { tokenFile: server.token_file }),
        });
  let verification: K8sPsatCluster['verification'];
  if (config.use_token_review) {
    verification = { kind: 'token_review' };
  } else {
    const load =
      config.jwks_file !== undefined
        ? fileKeySetLoader(config.jwks_file)
        : oidcKeySetLoader(
            api ?? new KubeApiClient({ url: config.oidc_discovery_url as string, clock }),
            config.oidc_discovery_url ?? '/.well-known/openid-configuration',
          );
    verification = { kind: 'jwks', keys: new IssuerKeys({ load, clock }), ...(config.issuer === undefined ? {} : { issuer: config.issuer }) };
  }
  return {
    name,
    audience: config.audience,
    serviceAccountAllowList: new Set(config.service_account_allow_list),
    verification,
    ...(api === undefined ? {} : { api }),
    ...(config.allowed_node_label_keys === undefined ? {} : { allowedNodeLabelKeys: new Set(config.allowed_node_label_keys) }),
    ...(config.allowed_pod_label_keys === undefined ? {} : { allowedPodLabelKeys: new Set(config.allowed_pod_label_keys) }),
  };
}
