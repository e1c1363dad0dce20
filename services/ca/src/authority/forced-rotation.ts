/**
 * The rules of forced (manual) rotation, as pure checks that name what is wrong:
 * - prepare: only when no authority of the kind is prepared (one slot);
 * - activate: the prepared authority (the id, when given, must be it);
 * - taint: only an old authority (it signed things, and no longer signs) — agents then re-issue
 *   everything it signed; it stays in the bundle until revoked;
 * - revoke: only a tainted authority; it leaves the bundle. An X.509 authority under an upstream
 *   CA cannot be revoked this way: the bundle holds the upstream root, not its certificate.
 * @module
 */
import type { Authority, AuthorityKind } from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { hasUpstream } from './chain.js';

/** Throws `failed_precondition` when `kind` already has a prepared authority. */
export function checkCanPrepare(authorities: readonly Authority[], kind: AuthorityKind): void {
  const prepared = authorities.find((a) => a.kind === kind && a.state === 'prepared');
  if (prepared !== undefined) {
    throw new ApiError('failed_precondition', `kind: a ${kind} authority is already prepared (${prepared.id}); activate it first`, { field: 'kind' });
  }
}

/** The prepared authority to activate; `not_found` / `failed_precondition` otherwise. */
export function checkCanActivate(authorities: readonly Authority[], kind: AuthorityKind, id: string): Authority {
  const prepared = authorities.find((a) => a.kind === kind && a.state === 'prepared');
  if (id !== '') {
    const named = find(authorities, kind, id);
    if (named.state !== 'prepared') {
      throw new ApiError('failed_precondition', `id: authority ${id} is ${named.state}; only the prepared authority can be activated`, { field: 'id' });
    }
    return named;
  }
  if (prepared === undefined) {
    throw new ApiError('failed_precondition', `kind: no ${kind} authority is prepared; prepare one first`, { field: 'kind' });
  }
  return prepared;
}

/** The authority to taint; `not_found` / `failed_precondition` unless it is old. */
export function checkCanTaint(authorities: readonly Authority[], kind: AuthorityKind, id: string): Authority {
  const authority = find(authorities, kind, id);
  switch (authority.state) {
    case 'old':
      return authority;
    case 'active':
      throw precondition(id, 'is active; activate the prepared authority first, then taint this one');
    case 'prepared':
      throw precondition(id, 'is prepared and has signed nothing; only an old authority can be tainted');
    default:
      throw precondition(id, `is already ${authority.state}`);
  }
}

/** The authority to revoke; `not_found` / `failed_precondition` unless it is tainted and revocable. */
export function checkCanRevoke(authorities: readonly Authority[], kind: AuthorityKind, id: string): Authority {
  const authority = find(authorities, kind, id);
  if (authority.state === 'revoked') throw precondition(id, 'is already revoked');
  if (authority.state !== 'tainted') throw precondition(id, `is ${authority.state}; only a tainted authority can be revoked (taint it first)`);
  if (authority.kind === 'x509' && hasUpstream(authority)) {
    throw precondition(id, 'chains to the upstream CA, whose root the bundle carries; revoking it would not remove trust (rotate the upstream CA instead)');
  }
  return authority;
}

function find(authorities: readonly Authority[], kind: AuthorityKind, id: string): Authority {
  const authority = authorities.find((a) => a.id === id);
  if (authority === undefined || authority.kind !== kind) {
    throw new ApiError('not_found', `id: no ${kind} authority ${JSON.stringify(id)}`, { field: 'id' });
  }
  return authority;
}

function precondition(id: string, rule: string): ApiError {
  return new ApiError('failed_precondition', `id: authority ${id} ${rule}`, { field: 'id' });
}
