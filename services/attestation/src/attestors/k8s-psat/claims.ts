/**
 * The claims of a projected service-account token (PSAT) that attestation relies on: the
 * standard ones (`iss`, `sub`, `aud`, `exp`, `nbf`) and the `kubernetes.io` object naming the
 * namespace, service account, pod and (since Kubernetes 1.30) node.
 * @module
 */

/** What a PSAT says, read from its claims. */
export interface ServiceAccountTokenClaims {
  readonly issuer: string | undefined;
  /** `system:serviceaccount:<namespace>:<service account>`. */
  readonly subject: string;
  readonly audiences: readonly string[];
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly notBefore: number | undefined;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly podName: string | undefined;
  readonly podUid: string | undefined;
  readonly nodeName: string | undefined;
  readonly nodeUid: string | undefined;
}

/** Seconds of clock skew tolerated on `exp` and `nbf`. */
export const CLOCK_SKEW_SECONDS = 60;

/** Reads the claims; throws an `Error` naming the claim that is missing or malformed. */
export function readServiceAccountClaims(claims: Readonly<Record<string, unknown>>): ServiceAccountTokenClaims {
  const k8s = objectOf(claims['kubernetes.io']);
  if (k8s === undefined) throw new Error('the token has no "kubernetes.io" claim (a projected service account token is required)');
  const namespace = stringOf(k8s['namespace']);
  const serviceAccount = stringOf(objectOf(k8s['serviceaccount'])?.['name']);
  if (namespace === undefined || serviceAccount === undefined) {
    throw new Error('the "kubernetes.io" claim lacks the namespace or the service account name');
  }
  const subject = stringOf(claims['sub']);
  if (subject !== `system:serviceaccount:${namespace}:${serviceAccount}`) {
    throw new Error('the "sub" claim does not name the service account of the "kubernetes.io" claim');
  }
  const exp = claims['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new Error('the token has no numeric "exp" claim');
  const nbf = claims['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) throw new Error('the "nbf" claim is not a number');
  const aud = claims['aud'];
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  const pod = objectOf(k8s['pod']);
  const node = objectOf(k8s['node']);
  return {
    issuer: stringOf(claims['iss']),
    subject,
    audiences,
    expiresAt: exp,
    notBefore: nbf,
    namespace,
    serviceAccount,
    podName: stringOf(pod?.['name']),
    podUid: stringOf(pod?.['uid']),
    nodeName: stringOf(node?.['name']),
    nodeUid: stringOf(node?.['uid']),
  };
}

/** Why the token is not valid at `now` (`exp`, `nbf` with {@link CLOCK_SKEW_SECONDS}), or `undefined`. */
export function tokenTimeProblem(claims: ServiceAccountTokenClaims, now: Date): string | undefined {
  const seconds = now.getTime() / 1000;
  if (seconds > claims.expiresAt + CLOCK_SKEW_SECONDS) return `the token expired at ${new Date(claims.expiresAt * 1000).toISOString()}`;
  if (claims.notBefore !== undefined && seconds < claims.notBefore - CLOCK_SKEW_SECONDS) {
    return `the token is not valid before ${new Date(claims.notBefore * 1000).toISOString()}`;
  }
  return undefined;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
