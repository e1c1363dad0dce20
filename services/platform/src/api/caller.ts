/**
 * Who is calling an API, as established by the transport (never by the request body).
 * @module
 */

/**
 * An authenticated caller.
 * - `admin`: over the local admin Unix socket (file permissions are the authentication), or
 *   over mTLS with the X.509-SVID of an entry marked `admin`.
 * - `agent`: over mTLS with an agent X.509-SVID (`spiffeId` is the agent's ID).
 * - `server`: another Signet service of this trust domain (mTLS with the server SVID), or the
 *   same process when services run together.
 * - `anonymous`: nothing proven (only node attestation accepts it). A peer that proved an
 *   X.509-SVID over mTLS which the composition root does not classify as admin, agent or server
 *   is also anonymous, with its `spiffeId`: it may call what anonymous callers may, and is told
 *   PERMISSION_DENIED (not UNAUTHENTICATED) elsewhere.
 */
export type Caller =
  | { readonly kind: 'admin'; readonly via: 'unix' | 'mtls' | 'inproc'; readonly spiffeId?: string }
  | { readonly kind: 'agent'; readonly via: 'mtls' | 'inproc'; readonly spiffeId: string }
  | { readonly kind: 'server'; readonly via: 'mtls' | 'inproc'; readonly spiffeId: string }
  | {
      readonly kind: 'anonymous';
      readonly via: 'tcp' | 'unix' | 'inproc';
      readonly address?: string;
      /** A verified but unclassified mTLS peer's SPIFFE ID. */
      readonly spiffeId?: string;
    };

/** A short description of a caller for audit lines: `admin(unix)`, `agent spiffe://…`. */
export function describeCaller(c: Caller): string {
  switch (c.kind) {
    case 'admin':
      return c.spiffeId ? `admin ${c.spiffeId} (${c.via})` : `admin (${c.via})`;
    case 'agent':
    case 'server':
      return `${c.kind} ${c.spiffeId} (${c.via})`;
    case 'anonymous':
      return `anonymous${c.spiffeId ? ` ${c.spiffeId}` : ''} (${c.via}${c.address ? ` ${c.address}` : ''})`;
  }
}
