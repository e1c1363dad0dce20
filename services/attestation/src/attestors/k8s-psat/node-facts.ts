/**
 * Which node an attesting agent runs on: from the token's `kubernetes.io` claims, checked and
 * completed (node UID, pod and node labels) by the API server when one is configured.
 * @module
 */
import { ApiError } from '@signet/platform';
import type { ServiceAccountTokenClaims } from './claims.js';
import { denied, type K8sPsatCluster } from './cluster.js';
import { getNode, getPod } from './kube-resources.js';

/** The agent's pod and node. */
export interface AgentNodeFacts {
  readonly podName: string;
  readonly podUid: string;
  readonly nodeName: string;
  readonly nodeUid: string | undefined;
  /** Empty unless the API server was asked. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly nodeLabels: Readonly<Record<string, string>>;
}

/** Resolves the agent's pod and node; `permission_denied` when they do not add up. */
export async function resolveNodeFacts(
  cluster: K8sPsatCluster,
  claims: ServiceAccountTokenClaims,
  signal?: AbortSignal,
): Promise<AgentNodeFacts> {
  const { podName, podUid } = claims;
  if (podName === undefined || podUid === undefined) {
    throw denied('the token is not bound to a pod (a projected service account token is required)');
  }
  const api = cluster.api;
  if (api === undefined) {
    if (claims.nodeName === undefined) {
      throw new ApiError(
        'failed_precondition',
        `params.payload.token: the token names no node and cluster ${JSON.stringify(cluster.name)} has no api_server to look the pod up`,
        { field: 'params.payload.token' },
      );
    }
    return { podName, podUid, nodeName: claims.nodeName, nodeUid: claims.nodeUid, podLabels: {}, nodeLabels: {} };
  }
  const where = `cluster ${JSON.stringify(cluster.name)}`;
  const pod = await ask(() => getPod(api, claims.namespace, podName, signal), where);
  if (pod === undefined) throw denied(`pod ${claims.namespace}/${podName} does not exist in ${where}`);
  if (pod.uid !== podUid) throw denied(`pod ${claims.namespace}/${podName} in ${where} is not the pod the token was issued to`);
  if (pod.serviceAccountName !== undefined && pod.serviceAccountName !== claims.serviceAccount) {
    throw denied(`pod ${claims.namespace}/${podName} does not run as the token's service account`);
  }
  if (pod.nodeName === undefined) throw denied(`pod ${claims.namespace}/${podName} is not scheduled on a node`);
  if (claims.nodeName !== undefined && claims.nodeName !== pod.nodeName) throw denied('the token names another node than the pod runs on');
  const node = await ask(() => getNode(api, pod.nodeName as string, signal), where);
  if (node === undefined) throw denied(`node ${pod.nodeName} does not exist in ${where}`);
  if (claims.nodeUid !== undefined && node.uid !== '' && claims.nodeUid !== node.uid) {
    throw denied(`node ${pod.nodeName} is not the node the token was issued on`);
  }
  return {
    podName,
    podUid,
    nodeName: pod.nodeName,
    nodeUid: node.uid === '' ? claims.nodeUid : node.uid,
    podLabels: filterLabels(pod.labels, cluster.allowedPodLabelKeys),
    nodeLabels: filterLabels(node.labels, cluster.allowedNodeLabelKeys),
  };
}

async function ask<T>(call: () => Promise<T>, where: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new ApiError('unavailable', `the Kubernetes API server of ${where} could not be asked about the agent's pod`, { cause: err });
  }
}

function filterLabels(labels: Readonly<Record<string, string>>, allowed: ReadonlySet<string> | undefined): Record<string, string> {
  if (allowed === undefined) return { ...labels };
  return Object.fromEntries(Object.entries(labels).filter(([key]) => allowed.has(key)));
}
