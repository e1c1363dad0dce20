/**
 * One configured Kubernetes cluster of the k8s_psat attestor, and how its tokens are proven
 * authentic: by the issuer's signature (JWKS file or OIDC discovery), or by asking the API
 * server (TokenReview).
 * @module
 */
import { ApiError } from '@signet/platform';
import type { IssuerKeys } from './jwks.js';
import { type DecodedJws, verifyJwsSignature } from './jws.js';
import type { ServiceAccountTokenClaims } from './claims.js';
import type { KubeApiClient } from './kube-client.js';
import { reviewToken } from './kube-resources.js';

/** A cluster the attestor accepts tokens from. */
export interface K8sPsatCluster {
  /** The name agents send in the payload; part of the agent ID. */
  readonly name: string;
  /** The audience tokens must carry (e.g. `signet-server`). */
  readonly audience: string;
  /** Service accounts allowed to attest, as `namespace:name`. */
  readonly serviceAccountAllowList: ReadonlySet<string>;
  /** How tokens are authenticated. */
  readonly verification: { readonly kind: 'jwks'; readonly keys: IssuerKeys; readonly issuer?: string } | { readonly kind: 'token_review' };
  /** The API server, when configured: TokenReview, and GET pod / GET node for node facts and labels. */
  readonly api?: KubeApiClient;
  /** Only these label keys become selectors (all when absent). */
  readonly allowedNodeLabelKeys?: ReadonlySet<string>;
  readonly allowedPodLabelKeys?: ReadonlySet<string>;
}

const TOKEN = 'params.payload.token';
const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';

/**
 * Proves `jws` authentic for `cluster`, or throws `permission_denied` on `params.payload.token`
 * (`unavailable` when the API server or the issuer cannot be reached).
 */
export async function authenticateToken(
  cluster: K8sPsatCluster,
  token: string,
  jws: DecodedJws,
  claims: ServiceAccountTokenClaims,
  signal?: AbortSignal,
): Promise<void> {
  const where = `cluster ${JSON.stringify(cluster.name)}`;
  if (cluster.verification.kind === 'jwks') {
    let found;
    try {
      found = await cluster.verification.keys.lookup(jws.header.kid);
    } catch (err) {
      throw new ApiError('unavailable', `the token issuer keys of ${where} cannot be loaded`, { cause: err });
    }
    if (!found.keys.some((key) => verifyJwsSignature(jws, key))) {
      throw denied(`the token signature does not verify with the issuer keys of ${where}`);
    }
    const issuer = cluster.verification.issuer ?? found.issuer;
    if (issuer !== undefined && claims.issuer !== issuer) throw denied(`the token issuer is not the issuer of ${where}`);
    return;
  }
  if (cluster.api === undefined) throw new ApiError('failed_precondition', `${where} uses TokenReview but has no api_server`);
  let review;
  try {
    review = await reviewToken(cluster.api, token, cluster.audience, signal);
  } catch (err) {
    throw new ApiError('unavailable', `the Kubernetes API server of ${where} could not review the token`, { cause: err });
  }
  if (!review.authenticated) throw denied(`the Kubernetes API server of ${where} did not authenticate the token`);
  if (review.audiences !== undefined && !review.audiences.includes(cluster.audience)) {
    throw denied(`the Kubernetes API server of ${where} did not accept the token for audience ${JSON.stringify(cluster.audience)}`);
  }
  if (review.username !== claims.subject) throw denied('the TokenReview user is not the service account the token names');
  const podName = review.extra[EXTRA_POD_NAME]?.[0];
  const podUid = review.extra[EXTRA_POD_UID]?.[0];
  if ((podName !== undefined && podName !== claims.podName) || (podUid !== undefined && podUid !== claims.podUid)) {
    throw denied('the TokenReview pod is not the pod the token names');
  }
}

/** A `permission_denied` error on the token field. */
export function denied(rule: string): ApiError {
  return new ApiError('permission_denied', `${TOKEN}: ${rule}`, { field: TOKEN });
}
