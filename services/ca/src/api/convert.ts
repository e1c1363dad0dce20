/**
 * Conversions between the `signet.ca.v1` / `signet.types.v1` messages and the CA's domain types.
 * Times are Unix seconds as decimal strings (int64), 0 meaning unset; bytes are Buffers.
 * @module
 */
import type { Authority, AuthorityKind, StoredBundle } from '@signet/datastore';
import { ApiError, toGrpcStatus } from '@signet/platform';
import { SpiffeBundle, type TrustDomain } from '@signet/spiffe';
import type { AgentX509SvidRequest, JwtSvidRequest, SignedJwtSvid, SignedX509Svid, X509SvidRequest } from '../signing/requests.js';
import type { ItemStatus, MintJwtSvidRequest, MintJwtSvidResponse, MintX509SvidRequest, MintX509SvidResponse, ProtoAuthority, ProtoBundle } from './proto-types.js';

/** Unix seconds of `date` as an int64 string; `'0'` for none. */
export function unixSeconds(date: Date | null | undefined): string {
  return date == null ? '0' : String(Math.floor(date.getTime() / 1000));
}

/** A proto duration in seconds: `invalid_argument` on `field` when negative. */
export function ttlFromProto(ttl: number, field = 'ttl'): number {
  if (!Number.isInteger(ttl) || ttl < 0) throw ApiError.invalid(field, 'must be 0 (the default) or a positive number of seconds');
  return ttl;
}

/** An authority kind: `"x509"` or `"jwt"`; `invalid_argument` on `field` otherwise. */
export function kindFromProto(kind: string, field = 'kind'): AuthorityKind {
  if (kind === 'x509' || kind === 'jwt') return kind;
  throw ApiError.invalid(field, kind === '' ? 'required: "x509" or "jwt"' : `must be "x509" or "jwt" (got ${JSON.stringify(kind)})`);
}

/** A workload X.509-SVID request. */
export function x509RequestFromProto(req: MintX509SvidRequest): X509SvidRequest {
  return {
    csr: req.csr,
    entryId: req.entry_id,
    spiffeId: req.spiffe_id,
    ttlSeconds: ttlFromProto(req.ttl),
    dnsNames: req.dns_names,
  };
}

/** An agent X.509-SVID request (a server caller names the agent's SPIFFE ID; entry and DNS names do not apply). */
export function agentRequestFromProto(req: MintX509SvidRequest): AgentX509SvidRequest {
  if (req.entry_id !== '') throw ApiError.invalid('entry_id', 'must be empty: agent SVIDs are not issued for entries');
  if (req.dns_names.length > 0) throw ApiError.invalid('dns_names', 'must be empty for agent SVIDs');
  return { csr: req.csr, spiffeId: req.spiffe_id, ttlSeconds: ttlFromProto(req.ttl) };
}

/** A JWT-SVID request. */
export function jwtRequestFromProto(req: MintJwtSvidRequest): JwtSvidRequest {
  return { entryId: req.entry_id, spiffeId: req.spiffe_id, audience: req.audience, ttlSeconds: ttlFromProto(req.ttl) };
}

/** A signed X.509-SVID as a response. */
export function x509SvidToProto(svid: SignedX509Svid): MintX509SvidResponse {
  return {
    cert_chain: svid.certChain.map((der) => Buffer.from(der.buffer, der.byteOffset, der.byteLength)),
    expires_at: unixSeconds(svid.expiresAt),
    authority_id: svid.authorityId,
    serial_number: svid.serialNumber,
  };
}

/** A signed JWT-SVID as a response. */
export function jwtSvidToProto(svid: SignedJwtSvid): MintJwtSvidResponse {
  return { token: svid.token, expires_at: unixSeconds(svid.expiresAt), key_id: svid.keyId };
}

/** An authority as `signet.types.v1.Authority`. */
export function authorityToProto(a: Authority): ProtoAuthority {
  return {
    id: a.id,
    kind: a.kind,
    state: a.state,
    certificate: a.certificate === null ? Buffer.alloc(0) : Buffer.from(a.certificate),
    public_key: Buffer.from(a.publicKey),
    key_id: a.keyId,
    not_before: unixSeconds(a.notBefore),
    not_after: unixSeconds(a.notAfter),
    upstream_chain: a.upstreamChain.map((der) => Buffer.from(der)),
    prepared_at: unixSeconds(a.createdAt),
    activated_at: unixSeconds(a.activatedAt),
    tainted_at: unixSeconds(a.taintedAt),
    revoked_at: unixSeconds(a.revokedAt),
  };
}

/**
 * The stored local bundle as `signet.types.v1.Bundle`; each JWT key's `expires_at` is its
 * authority's expiry (0 when the key is not one of the journal's).
 */
export function bundleToProto(td: TrustDomain, stored: StoredBundle, authorities: readonly Authority[]): ProtoBundle {
  const bundle = SpiffeBundle.parse(td, JSON.stringify(stored.document));
  const expiry = new Map(authorities.filter((a) => a.kind === 'jwt').map((a) => [a.keyId, a.notAfter]));
  return {
    trust_domain: td.name,
    x509_authorities: bundle.x509Authorities().map((der) => Buffer.from(der)),
    jwt_authorities: [...bundle.jwtAuthorities()].map(([kid, key]) => ({
      key_id: kid,
      public_key: key.export({ format: 'der', type: 'spki' }),
      expires_at: unixSeconds(expiry.get(kid)),
    })),
    sequence_number: String(stored.sequence),
    refresh_hint: String(bundle.refreshHint ?? 0),
  };
}

/** The outcome of one batch item: code 0, or the gRPC code, message and field of `err` (field prefixed with the item's path). */
export function itemStatus(err: unknown, itemPath: string): ItemStatus {
  if (err === undefined) return { code: 0, message: '', field: '' };
  const { code, details, error } = toGrpcStatus(err);
  if (error.field === undefined) return { code, message: details, field: '' };
  const field = `${itemPath}.${error.field}`;
  const message = details.startsWith(`${error.field}: `) ? `${itemPath}.${details}` : details;
  return { code, message, field };
}
