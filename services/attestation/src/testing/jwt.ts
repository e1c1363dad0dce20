/**
 * Signing JWTs for tests (service-account tokens of a fake cluster), and building PSAT claims.
 * @module
 */
import { sign, type KeyObject } from 'node:crypto';

/** Signs `claims` as a compact JWS with `alg` (RS256 or ES256) and `kid`. */
export function signTestJwt(privateKey: KeyObject, kid: string, claims: Record<string, unknown>, alg: 'RS256' | 'ES256' = 'RS256'): string {
  const header = Buffer.from(JSON.stringify({ alg, kid, typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = Buffer.from(`${header}.${payload}`, 'ascii');
  const signature = alg === 'RS256' ? sign('sha256', input, privateKey) : sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

/** The facts of a projected service-account token. */
export interface PsatFacts {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly podName: string;
  readonly podUid: string;
  readonly nodeName?: string;
  readonly nodeUid?: string;
  /** Issue time and expiry, Unix seconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** The claims Kubernetes puts in a projected service-account token. */
export function psatClaims(facts: PsatFacts): Record<string, unknown> {
  return {
    iss: facts.issuer,
    sub: `system:serviceaccount:${facts.namespace}:${facts.serviceAccount}`,
    aud: typeof facts.audience === 'string' ? [facts.audience] : facts.audience,
    iat: facts.issuedAt,
    nbf: facts.issuedAt,
    exp: facts.expiresAt,
    'kubernetes.io': {
      namespace: facts.namespace,
      serviceaccount: { name: facts.serviceAccount, uid: 'sa-uid-1' },
      pod: { name: facts.podName, uid: facts.podUid },
      ...(facts.nodeName === undefined ? {} : { node: { name: facts.nodeName, uid: facts.nodeUid ?? '' } }),
    },
  };
}
