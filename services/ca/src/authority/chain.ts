/**
 * What an X.509 authority contributes to SVID chains and to the trust bundle.
 *
 * An authority's `upstreamChain` holds the certificates above its CA certificate: the path to
 * the upstream root, then the upstream roots themselves (self-signed). Self-signed authorities
 * have an empty chain and are their own root.
 * @module
 */
import type { Authority } from '@signet/datastore';
import { isSelfSigned } from '../upstream/certificates.js';

/** The certificates to send after a leaf signed by `authority`: its CA certificate and the non-root intermediates above it. */
export function servingChain(authority: Authority): Uint8Array[] {
  if (authority.certificate === null) throw new TypeError(`authority ${authority.id} has no certificate`);
  return [authority.certificate, ...authority.upstreamChain.filter((der) => !isSelfSigned(der))];
}

/** The root certificates that make `authority`'s SVIDs trusted: the upstream roots, or its own certificate. */
export function bundleRoots(authority: Authority): Uint8Array[] {
  if (authority.certificate === null) return [];
  const roots = authority.upstreamChain.filter(isSelfSigned);
  return roots.length > 0 ? roots : [authority.certificate];
}

/** True when `authority` chains to an upstream CA (the bundle carries the upstream roots, not its certificate). */
export function hasUpstream(authority: Authority): boolean {
  return authority.upstreamChain.length > 0;
}
