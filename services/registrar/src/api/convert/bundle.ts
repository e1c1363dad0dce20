/**
 * Bundles on the wire: `BundleDocument` holds the bundle's authorities as DER, its SPIFFE bundle
 * document (JSON, written by the SDK) and its X.509 authorities as PEM.
 * @module
 */
import type { BundleView } from '../../bundles/bundle-view.js';
import type { CreatedJoinToken } from '../../tokens/join-token-service.js';
import { int64, unixSeconds } from '../../internal/int64.js';
import type { BundleDocument__Output, JoinToken__Output } from '../wire.js';

/** A bundle on the wire. */
export function bundleDocumentToProto(view: BundleView): BundleDocument__Output {
  const { bundle } = view;
  return {
    bundle: {
      trust_domain: view.trustDomain.name,
      x509_authorities: bundle.x509Authorities().map((der) => Buffer.from(der)),
      jwt_authorities: [...bundle.jwtAuthorities()].map(([kid, key]) => ({
        key_id: kid,
        public_key: key.export({ format: 'der', type: 'spki' }),
        expires_at: '0',
      })),
      sequence_number: view.sequenceNumber.toString(),
      refresh_hint: int64(bundle.refreshHint ?? 0),
      tainted_x509_authorities: view.tainted.x509.map((der) => Buffer.from(der)),
      tainted_jwt_key_ids: [...view.tainted.jwtKeyIds],
      trusted_by_all: view.trustedByAll,
    },
    spiffe_json: bundle.toJson(),
    x509_pem: bundle.x509Bundle().toPem(),
  };
}

/** A created join token on the wire: the only time its value leaves the server. */
export function joinTokenToProto(token: CreatedJoinToken): JoinToken__Output {
  return { value: token.value, expires_at: unixSeconds(token.expiresAt), agent_spiffe_id: token.agentSpiffeId ?? '' };
}
