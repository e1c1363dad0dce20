/**
 * Enforcing a method's `allow` list: the transports call this before any handler runs.
 * @module
 */
import { ApiError } from '../api/api-error.js';
import type { Caller } from '../api/caller.js';
import type { CallerKind } from '../api/handler.js';

/**
 * Throws unless `caller` may call `method`. A caller whose kind is not in `allow` is refused:
 * an anonymous caller that proved nothing gets `unauthenticated`, every other caller
 * (including an mTLS peer with an unclassified SPIFFE ID) gets `permission_denied`. The message
 * names the method, the caller kind and the kinds allowed.
 *
 * @example
 * ```ts
 * authorize(['admin'], 'signet.registrar.v1.Registrar/CreateEntries', { kind: 'agent', via: 'mtls', spiffeId });
 * // throws ApiError permission_denied: "signet.registrar.v1.Registrar/CreateEntries is not allowed for agent callers (allowed: admin)"
 * ```
 */
export function authorize(allow: readonly CallerKind[], method: string, caller: Caller): void {
  if (allow.includes(caller.kind)) return;
  const allowed = allow.length === 0 ? 'no caller' : allow.join(', ');
  if (caller.kind === 'anonymous') {
    if (caller.spiffeId === undefined) {
      throw new ApiError('unauthenticated', `${method} is not allowed for anonymous callers (allowed: ${allowed}); authenticate first`);
    }
    throw new ApiError(
      'permission_denied',
      `${method} is not allowed for ${caller.spiffeId}: it is not an admin, agent or server identity (allowed: ${allowed})`,
    );
  }
  throw new ApiError('permission_denied', `${method} is not allowed for ${caller.kind} callers (allowed: ${allowed})`);
}
