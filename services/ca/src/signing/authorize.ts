/**
 * Who may get an SVID for what — the CA's authorization rules, decided from the caller (as
 * established by the transport) and the entry:
 * - an **agent** names an entry its node may serve (`EntryAuthorizer`) and gets the entry's SPIFFE
 *   ID and DNS names; it may not name a SPIFFE ID, add DNS names, or get an ID in the agent
 *   namespace;
 * - an **admin** names an entry or any SPIFFE ID of the trust domain, and may add DNS names;
 * - a **server** (the attestation service) mints only agent SVIDs (see `agentSubject`);
 * - an **anonymous** caller gets nothing.
 * Every SPIFFE ID must be in the trust domain and have a path.
 * @module
 */
import { ApiError, type Caller } from '@signet/platform';
import { SpiffeId, type TrustDomain } from '@signet/spiffe';
import type { AuthorizedEntry, EntryAuthorizer } from './entry-authorizer.js';

/** Whom an SVID is for, once authorized. */
export interface SvidSubject {
  readonly id: SpiffeId;
  /** The entry it is issued for, when there is one. */
  readonly entry: AuthorizedEntry | undefined;
  /** The agent it is issued to, or that asked for it. */
  readonly nodeId: string | null;
  /** DNS SANs (X.509 only). */
  readonly dnsNames: readonly string[];
}

/** A workload SVID request's naming fields. */
export interface SubjectRequest {
  readonly entryId?: string | undefined;
  readonly spiffeId?: string | undefined;
  readonly dnsNames?: readonly string[] | undefined;
}

/** What the rules need. */
export interface AuthorizeContext {
  readonly trustDomain: TrustDomain;
  readonly authorizer: EntryAuthorizer;
  /** Agent IDs are `spiffe://<td><agentPathPrefix>/…`, e.g. `/spire/agent`. */
  readonly agentPathPrefix: string;
}

/**
 * Decides the subject of a workload SVID (X.509 or JWT) for `caller`, or throws the API error.
 * Synchronous when no entry must be looked up (an admin naming a SPIFFE ID), so the CA's hot path
 * pays no promise for it.
 */
export function workloadSubject(caller: Caller, request: SubjectRequest, ctx: AuthorizeContext, now: Date): SvidSubject | Promise<SvidSubject> {
  const entryId = request.entryId ?? '';
  const spiffeId = request.spiffeId ?? '';
  const extraDns = request.dnsNames ?? [];
  switch (caller.kind) {
    case 'agent': {
      if (entryId === '') throw ApiError.invalid('entry_id', 'required: agents name the entry the SVID is for');
      if (spiffeId !== '') throw ApiError.invalid('spiffe_id', 'must be empty: agents name an entry, not a SPIFFE ID');
      if (extraDns.length > 0) throw ApiError.invalid('dns_names', "must be empty: agents get the entry's DNS names");
      return agentEntrySubject(caller.spiffeId, entryId, ctx, now);
    }
    case 'admin': {
      if (entryId !== '' && spiffeId !== '') throw ApiError.invalid('spiffe_id', 'give entry_id or spiffe_id, not both');
      if (entryId === '' && spiffeId === '') throw ApiError.invalid('entry_id', 'give entry_id or spiffe_id');
      if (spiffeId !== '') return { id: checkedId(spiffeId, 'spiffe_id', ctx), entry: undefined, nodeId: null, dnsNames: extraDns };
      return adminEntrySubject(entryId, extraDns, ctx, now);
    }
    case 'server':
      throw new ApiError('permission_denied', 'server callers may only mint agent X.509-SVIDs');
    case 'anonymous':
      throw new ApiError('unauthenticated', 'the CA signs only for authenticated callers');
  }
}

async function agentEntrySubject(agentId: string, entryId: string, ctx: AuthorizeContext, now: Date): Promise<SvidSubject> {
  const entry = await ctx.authorizer.authorizedEntry(agentId, entryId);
  if (entry === undefined) {
    if ((await ctx.authorizer.getEntry(entryId)) === undefined) throw new ApiError('not_found', `entry_id: no entry ${JSON.stringify(entryId)}`, { field: 'entry_id' });
    throw new ApiError('permission_denied', `entry_id: entry ${JSON.stringify(entryId)} is not served by agent ${agentId}`, { field: 'entry_id' });
  }
  const id = checkedId(entry.spiffeId, 'entry_id', ctx);
  if (isAgentId(id, ctx)) {
    throw new ApiError('permission_denied', `entry_id: entry ${JSON.stringify(entryId)} names an agent ID; only the attestation service mints agent SVIDs`, { field: 'entry_id' });
  }
  return { id, entry: checkedEntry(entry, now), nodeId: agentId, dnsNames: entry.dnsNames };
}

async function adminEntrySubject(entryId: string, extraDns: readonly string[], ctx: AuthorizeContext, now: Date): Promise<SvidSubject> {
  const entry = await ctx.authorizer.getEntry(entryId);
  if (entry === undefined) throw new ApiError('not_found', `entry_id: no entry ${JSON.stringify(entryId)}`, { field: 'entry_id' });
  const dnsNames = [...entry.dnsNames, ...extraDns.filter((d) => !entry.dnsNames.includes(d))];
  return { id: checkedId(entry.spiffeId, 'entry_id', ctx), entry: checkedEntry(entry, now), nodeId: null, dnsNames };
}

/** Decides the subject of an agent X.509-SVID: only the attestation service (a server) or an admin may ask, and only for an agent ID. */
export function agentSubject(caller: Caller, spiffeId: string, ctx: Omit<AuthorizeContext, 'authorizer'>): SvidSubject {
  if (caller.kind !== 'server' && caller.kind !== 'admin') {
    throw new ApiError(caller.kind === 'anonymous' ? 'unauthenticated' : 'permission_denied', 'only the attestation service mints agent SVIDs');
  }
  if (spiffeId === '') throw ApiError.invalid('spiffe_id', 'required: the agent ID to certify');
  const id = checkedId(spiffeId, 'spiffe_id', ctx);
  if (!isAgentId(id, ctx)) {
    throw ApiError.invalid('spiffe_id', `${spiffeId} is not an agent ID (expected ${ctx.trustDomain.idString()}${ctx.agentPathPrefix}/…)`);
  }
  return { id, entry: undefined, nodeId: id.toString(), dnsNames: [] };
}

/** True when `id` is in the agent namespace of the trust domain. */
export function isAgentId(id: SpiffeId, ctx: Pick<AuthorizeContext, 'trustDomain' | 'agentPathPrefix'>): boolean {
  return id.trustDomain.equals(ctx.trustDomain) && id.path.startsWith(`${ctx.agentPathPrefix}/`);
}

function checkedId(text: string, field: string, ctx: Pick<AuthorizeContext, 'trustDomain'>): SpiffeId {
  let id: SpiffeId;
  try {
    id = SpiffeId.parse(text);
  } catch (err) {
    throw ApiError.invalid(field, `${JSON.stringify(text)} is not a valid SPIFFE ID: ${(err as Error).message}`, err);
  }
  if (!id.trustDomain.equals(ctx.trustDomain)) throw ApiError.invalid(field, `${text} is outside trust domain ${ctx.trustDomain.name}`);
  if (id.isTrustDomainId()) throw ApiError.invalid(field, `${text} has no path; SVIDs need one`);
  return id;
}

function checkedEntry(entry: AuthorizedEntry, now: Date): AuthorizedEntry {
  if (entry.expiresAt != null && entry.expiresAt.getTime() <= now.getTime()) {
    throw new ApiError('failed_precondition', `entry_id: entry ${JSON.stringify(entry.id)} expired at ${entry.expiresAt.toISOString()}`, { field: 'entry_id' });
  }
  return entry;
}
