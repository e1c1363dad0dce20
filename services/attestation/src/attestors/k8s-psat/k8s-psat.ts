/**
 * The `k8s_psat` node attestor: an agent running as a pod proves itself with a projected
 * service-account token (PSAT) of a configured cluster.
 *
 * 1. The payload names the cluster and carries the token (`payload.ts`).
 * 2. The token's claims are read (`claims.ts`): its audience must include the cluster's,
 *    it must be valid at `now`, and its service account must be on the allow list.
 * 3. The token is authenticated, per cluster, by the issuer's signature or by TokenReview
 *    (`cluster.ts`).
 * 4. The pod and node come from the token; with an API server, the pod and node are read
 *    back (UID checks, labels) (`node-facts.ts`).
 * 5. Agent ID `spiffe://<td>/spire/agent/k8s_psat/<cluster>/<node UID, or name when unknown>`;
 *    selectors `k8s_psat:cluster:<c>`, `agent_ns`, `agent_sa`, `agent_pod_name`,
 *    `agent_pod_uid`, `agent_node_name`, `agent_node_uid` (when known), and
 *    `agent_node_label:<k>:<v>` / `agent_pod_label:<k>:<v>` when the API server was asked.
 *
 * The node may re-attest with a fresh token. The token is never logged nor echoed.
 * @module
 */
import { ApiError } from '@signet/platform';
import { agentIdFor } from '../../ids.js';
import { selector, uniqueSelectors } from '../../internal/selectors.js';
import type { AttestationResult, AttestContext, NodeAttestor } from '../attestor.js';
import { readServiceAccountClaims, tokenTimeProblem } from './claims.js';
import { authenticateToken, denied, type K8sPsatCluster } from './cluster.js';
import { decodeJws } from './jws.js';
import { resolveNodeFacts } from './node-facts.js';
import { decodeK8sPsatPayload } from './payload.js';

/** The attestation type of k8s_psat. */
export const K8S_PSAT_TYPE = 'k8s_psat';

/** Options of {@link k8sPsatAttestor}. */
export interface K8sPsatAttestorOptions {
  /** The accepted clusters, by name. */
  readonly clusters: ReadonlyMap<string, K8sPsatCluster>;
}

/**
 * Creates the k8s_psat attestor.
 *
 * @example
 * ```ts
 * const attestor = k8sPsatAttestor({ clusters: new Map([['prod', prodCluster]]) });
 * ```
 */
export function k8sPsatAttestor(options: K8sPsatAttestorOptions): NodeAttestor {
  return {
    type: K8S_PSAT_TYPE,
    async attest(payload: Uint8Array, _challenge, ctx: AttestContext): Promise<AttestationResult> {
      const { cluster: name, token } = decodeK8sPsatPayload(payload);
      const cluster = options.clusters.get(name);
      if (cluster === undefined) {
        throw new ApiError('permission_denied', 'params.payload.cluster: not a configured cluster', { field: 'params.payload.cluster' });
      }
      let jws;
      try {
        jws = decodeJws(token);
      } catch (err) {
        throw ApiError.invalid('params.payload.token', (err as Error).message);
      }
      let claims;
      try {
        claims = readServiceAccountClaims(jws.claims);
      } catch (err) {
        throw denied((err as Error).message);
      }
      if (!claims.audiences.includes(cluster.audience)) {
        throw denied(`the token audience does not include ${JSON.stringify(cluster.audience)}`);
      }
      const timeProblem = tokenTimeProblem(claims, ctx.now);
      if (timeProblem !== undefined) throw denied(timeProblem);
      const account = `${claims.namespace}:${claims.serviceAccount}`;
      if (!cluster.serviceAccountAllowList.has(account)) {
        throw denied(`service account ${JSON.stringify(account)} is not allowed to attest in cluster ${JSON.stringify(cluster.name)}`);
      }
      await authenticateToken(cluster, token, jws, claims, ctx.signal);
      const facts = await resolveNodeFacts(cluster, claims, ctx.signal);
      let agentId;
      try {
        agentId = agentIdFor(ctx.trustDomain, K8S_PSAT_TYPE, cluster.name, facts.nodeUid ?? facts.nodeName);
      } catch (err) {
        throw denied(`no agent ID can be made for node ${JSON.stringify(facts.nodeName)}: ${(err as Error).message}`);
      }
      const t = K8S_PSAT_TYPE;
      const selectors = [
        selector(t, 'cluster', cluster.name),
        selector(t, 'agent_ns', claims.namespace),
        selector(t, 'agent_sa', claims.serviceAccount),
        selector(t, 'agent_pod_name', facts.podName),
        selector(t, 'agent_pod_uid', facts.podUid),
        selector(t, 'agent_node_name', facts.nodeName),
        ...(facts.nodeUid === undefined ? [] : [selector(t, 'agent_node_uid', facts.nodeUid)]),
        ...Object.entries(facts.nodeLabels).map(([k, v]) => selector(t, 'agent_node_label', k, v)),
        ...Object.entries(facts.podLabels).map(([k, v]) => selector(t, 'agent_pod_label', k, v)),
      ];
      return { agentId, selectors: uniqueSelectors(selectors), canReattest: true };
    },
  };
}
