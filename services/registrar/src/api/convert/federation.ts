/**
 * Federation relationships between the wire (`signet.types.v1.FederationRelationship`,
 * `FederationRelationshipMask`, `FederationHealth`) and the domain (`RelationshipDraft`,
 * `RelationshipView`).
 * @module
 */
import type { RelationshipDraft, RelationshipField, RelationshipView } from '../../federation/federation-service.js';
import { int64, unixSeconds } from '../../internal/int64.js';
import type { FederationRelationship, FederationRelationship__Output, FederationRelationshipMask } from '../wire.js';

/** The relationship fields a `FederationRelationshipMask` key selects. */
const MASK_FIELDS: Readonly<Record<keyof FederationRelationshipMask, RelationshipField>> = {
  bundle_endpoint_url: 'bundleEndpointUrl',
  bundle_endpoint_profile: 'bundleEndpointProfile',
  endpoint_spiffe_id: 'endpointSpiffeId',
  trusted_by_all: 'trustedByAll',
};

/** Reads a request relationship, never throwing: absent fields are empty (validation reports them). */
export function relationshipDraftFromProto(relationship: FederationRelationship | null | undefined): RelationshipDraft {
  return {
    trustDomain: relationship?.trust_domain ?? '',
    bundleEndpointUrl: relationship?.bundle_endpoint_url ?? '',
    bundleEndpointProfile: relationship?.bundle_endpoint_profile ?? '',
    endpointSpiffeId: relationship?.endpoint_spiffe_id ?? '',
    trustedByAll: relationship?.trusted_by_all ?? false,
  };
}

/** The fields a mask selects; `undefined` (replace every settable field) when there is no mask. */
export function relationshipMaskFromProto(mask: FederationRelationshipMask | null | undefined): ReadonlySet<RelationshipField> | undefined {
  if (mask === null || mask === undefined) return undefined;
  const fields = new Set<RelationshipField>();
  for (const [key, field] of Object.entries(MASK_FIELDS) as [keyof FederationRelationshipMask, RelationshipField][]) if (mask[key] === true) fields.add(field);
  return fields;
}

/** A `bytes` request field as bytes (a string is base64, as the proto JSON mapping has it); `undefined` when absent. */
export function bytesFromProto(value: Uint8Array | string | null | undefined): Uint8Array | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
}

/** A relationship and its health on the wire. */
export function relationshipToProto(view: RelationshipView): FederationRelationship__Output {
  const { relationship: r, health: h } = view;
  return {
    trust_domain: r.trustDomain,
    bundle_endpoint_url: r.bundleEndpointUrl,
    bundle_endpoint_profile: r.bundleEndpointProfile,
    endpoint_spiffe_id: r.endpointSpiffeId ?? '',
    trusted_by_all: r.trustedByAll,
    health: {
      last_attempt_at: unixSeconds(h.lastAttemptAt),
      last_success_at: unixSeconds(h.lastSuccessAt),
      last_error: h.lastError,
      sequence_number: h.sequenceNumber.toString(),
      bundle_age_seconds: int64(h.bundleAgeSeconds),
      stale: h.stale,
      next_refresh_at: unixSeconds(h.nextRefreshAt),
    },
    created_at: unixSeconds(r.createdAt),
    updated_at: unixSeconds(r.updatedAt),
  };
}
