/**
 * The SPIFFE ID rules of registration entries, after SPIRE's: both IDs must be valid, belong to
 * this server's trust domain and name something inside it (not the bare trust domain). The ID an
 * entry issues must also stay out of the reserved `/spire` namespace, where agent
 * (`/spire/agent/...`) and server (`/spire/server`) identities live: those are given by node
 * attestation, never by an entry, whoever the parent is. A parent may be anything in the trust
 * domain: an agent, the server (node entries), or another workload (nested entries).
 * @module
 */
import { ApiError } from '@signet/platform';
import { SpiffeId, type TrustDomain } from '@signet/spiffe';

/** The first path segment reserved for Signet's own identities. */
export const RESERVED_SEGMENT = 'spire';

/** Parses `value` as a SPIFFE ID of `td` with a non-empty path; errors name `field`. */
export function memberId(value: string, td: TrustDomain, field: string): SpiffeId {
  if (typeof value !== 'string' || value === '') throw ApiError.invalid(field, 'is required');
  let id: SpiffeId;
  try {
    id = SpiffeId.parse(value);
  } catch (err) {
    throw ApiError.invalid(field, `is not a valid SPIFFE ID: ${(err as Error).message}`, err);
  }
  if (!id.memberOf(td)) {
    throw ApiError.invalid(field, `${JSON.stringify(value)} is not in trust domain "${td.name}"`);
  }
  if (id.path === '') {
    throw ApiError.invalid(field, `must name something inside trust domain "${td.name}", not the trust domain itself`);
  }
  return id;
}

/** True when `id`'s path is `/spire` or below it. */
export function isReservedPath(id: SpiffeId): boolean {
  return id.segments[0] === RESERVED_SEGMENT;
}

/** The ID an entry issues: a member of `td`, outside the reserved namespace. */
export function workloadId(value: string, td: TrustDomain, field: string): SpiffeId {
  const id = memberId(value, td, field);
  if (isReservedPath(id)) {
    throw ApiError.invalid(
      field,
      `${JSON.stringify(value)} is in the reserved namespace /${RESERVED_SEGMENT}/ (agent and server identities come from attestation, not from entries)`,
    );
  }
  return id;
}

/** The ID an attested agent gets: a member of `td` under `/spire/agent/`. */
export function agentId(value: string, td: TrustDomain, field: string): SpiffeId {
  const id = memberId(value, td, field);
  const [first, second, third] = id.segments;
  if (first !== RESERVED_SEGMENT || second !== 'agent' || third === undefined) {
    throw ApiError.invalid(field, `${JSON.stringify(value)} is not an agent ID (spiffe://${td.name}/${RESERVED_SEGMENT}/agent/...)`);
  }
  return id;
}
