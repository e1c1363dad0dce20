/**
 * The Kubernetes API calls the k8s_psat attestor makes, with their responses narrowed to the
 * fields it reads: TokenReview, GET pod, GET node.
 * @module
 */
import { type KubeApiClient, KubeApiError } from './kube-client.js';

/** What a TokenReview said about a token. */
export interface TokenReviewResult {
  readonly authenticated: boolean;
  /** `system:serviceaccount:<ns>:<sa>` for service-account tokens. */
  readonly username: string | undefined;
  /** The audiences the token is valid for, as the API server reports them. */
  readonly audiences: readonly string[] | undefined;
  /** `user.extra`, e.g. `authentication.kubernetes.io/pod-name`. */
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** The fields of a pod the attestor uses. */
export interface PodFacts {
  readonly uid: string;
  readonly nodeName: string | undefined;
  readonly serviceAccountName: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

/** The fields of a node the attestor uses. */
export interface NodeFacts {
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Asks the API server to authenticate `token` for `audience` (authentication.k8s.io/v1 TokenReview). */
export async function reviewToken(client: KubeApiClient, token: string, audience: string, signal?: AbortSignal): Promise<TokenReviewResult> {
  const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [audience] } };
  const review = await client.postJson<{ status?: Record<string, unknown> }>('/apis/authentication.k8s.io/v1/tokenreviews', body, signal);
  const status = objectOf(review?.status);
  const user = objectOf(status['user']);
  const extra: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(objectOf(user['extra']))) {
    if (Array.isArray(values)) extra[key] = values.filter((v): v is string => typeof v === 'string');
  }
  const audiences = status['audiences'];
  return {
    authenticated: status['authenticated'] === true,
    username: typeof user['username'] === 'string' ? user['username'] : undefined,
    audiences: Array.isArray(audiences) ? audiences.filter((a): a is string => typeof a === 'string') : undefined,
    extra,
  };
}

/** The pod, or `undefined` when the API server says it does not exist. */
export async function getPod(client: KubeApiClient, namespace: string, name: string, signal?: AbortSignal): Promise<PodFacts | undefined> {
  const pod = await getOrUndefined(client, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`, signal);
  if (pod === undefined) return undefined;
  const metadata = objectOf(pod['metadata']);
  const spec = objectOf(pod['spec']);
  return {
    uid: stringOf(metadata['uid']) ?? '',
    nodeName: stringOf(spec['nodeName']),
    serviceAccountName: stringOf(spec['serviceAccountName']),
    labels: labelsOf(metadata['labels']),
  };
}

/** The node, or `undefined` when the API server says it does not exist. */
export async function getNode(client: KubeApiClient, name: string, signal?: AbortSignal): Promise<NodeFacts | undefined> {
  const node = await getOrUndefined(client, `/api/v1/nodes/${encodeURIComponent(name)}`, signal);
  if (node === undefined) return undefined;
  const metadata = objectOf(node['metadata']);
  return { uid: stringOf(metadata['uid']) ?? '', labels: labelsOf(metadata['labels']) };
}

async function getOrUndefined(client: KubeApiClient, path: string, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
  try {
    return objectOf(await client.getJson<unknown>(path, signal));
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return undefined;
    throw err;
  }
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function labelsOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(objectOf(value))) if (typeof v === 'string') out[k] = v;
  return out;
}
