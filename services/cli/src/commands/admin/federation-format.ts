/**
 * How `signet federation ...` shows a federation relationship: a table row per relationship
 * (`list`) and a detail block with the fetch health (`show`, and after a write). The generated
 * message types are imported type-only from `@signet/platform`'s source tree, as in `wire.ts`.
 * @module
 */
import { formatDuration } from '@signet/platform';
import type { Table } from '../../output.js';
import { formatTime, renderDetails } from './format.js';
import type { FederationRelationship__Output } from '../../../../platform/src/gen/signet/signet/types/v1/FederationRelationship.js';

export type { CreateFederationRelationshipRequest } from '../../../../platform/src/gen/signet/signet/registrar/v1/CreateFederationRelationshipRequest.js';
export type { DeleteFederationRelationshipResponse__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/DeleteFederationRelationshipResponse.js';
export type { ListFederationRelationshipsResponse__Output } from '../../../../platform/src/gen/signet/signet/registrar/v1/ListFederationRelationshipsResponse.js';
export type { UpdateFederationRelationshipRequest } from '../../../../platform/src/gen/signet/signet/registrar/v1/UpdateFederationRelationshipRequest.js';
export type { FederationRelationship, FederationRelationship__Output } from '../../../../platform/src/gen/signet/signet/types/v1/FederationRelationship.js';
export type { FederationRelationshipMask } from '../../../../platform/src/gen/signet/signet/types/v1/FederationRelationshipMask.js';

/** The age of the held bundle: `1h2m3s`, `0s`, or `no bundle` for -1. */
export function formatBundleAge(seconds: string): string {
  const n = Number(seconds);
  if (!Number.isFinite(n) || n < 0) return 'no bundle';
  return formatDuration(n * 1000);
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/** The relationships as a table. */
export function relationshipsTable(list: readonly FederationRelationship__Output[]): Table {
  return {
    columns: ['TRUST DOMAIN', 'PROFILE', 'BUNDLE ENDPOINT URL', 'TRUSTED BY ALL', 'LAST REFRESH', 'BUNDLE AGE', 'STALE'],
    rows: list.map((r) => [
      r.trust_domain,
      r.bundle_endpoint_profile,
      r.bundle_endpoint_url,
      yesNo(r.trusted_by_all),
      formatTime(r.health?.last_success_at ?? '0') || 'never',
      formatBundleAge(r.health?.bundle_age_seconds ?? '-1'),
      yesNo(r.health?.stale ?? false),
    ]),
  };
}

/** One relationship with its health, as label/value lines. */
export function relationshipDetails(r: FederationRelationship__Output): string {
  const h = r.health;
  return renderDetails([
    ['Trust domain', r.trust_domain],
    ['Bundle endpoint URL', r.bundle_endpoint_url],
    ['Endpoint profile', r.bundle_endpoint_profile],
    ['Endpoint SPIFFE ID', r.endpoint_spiffe_id === '' ? [] : [r.endpoint_spiffe_id]],
    ['Trusted by all', yesNo(r.trusted_by_all)],
    ['Last refresh', formatTime(h?.last_success_at ?? '0') || 'never'],
    ['Last attempt', formatTime(h?.last_attempt_at ?? '0') || 'never'],
    ['Last error', h?.last_error ? h.last_error : 'none'],
    ['Bundle sequence', h?.sequence_number ?? '0'],
    ['Bundle age', formatBundleAge(h?.bundle_age_seconds ?? '-1')],
    ['Stale', yesNo(h?.stale ?? false)],
    ['Next refresh', formatTime(h?.next_refresh_at ?? '0') || 'not planned'],
    ['Created', formatTime(r.created_at)],
    ['Updated', formatTime(r.updated_at)],
  ]);
}
