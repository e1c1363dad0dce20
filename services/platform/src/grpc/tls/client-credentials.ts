/**
 * gRPC channel credentials for SPIFFE mTLS: the client presents its current X.509-SVID and
 * accepts a server only if its chain verifies as an X.509-SVID against the current bundle and
 * its SPIFFE ID matches (no hostname check).
 * @module
 */
import { experimental, type ChannelCredentials } from '@grpc/grpc-js';
import { TrustDomain, verifyX509Svid, type Matcher } from '@signet/spiffe';
import type { PeerCertificate } from 'node:tls';
import { systemClock, type Clock } from '../../clock.js';
import { peerChainOf } from './peer-chain.js';
import { SourceCertificateProvider } from './source-certificate-provider.js';
import type { X509BundleSource, X509SvidSource } from './sources.js';

/** Options of {@link spiffeChannelCredentials}. */
export interface SpiffeClientTlsOptions {
  /** The client's SVID, presented to servers that ask for one; none for anonymous calls (node attestation). */
  readonly svidSource?: X509SvidSource;
  /** Trust bundles the server's chain is verified against. */
  readonly bundleSource: X509BundleSource;
  /** Which server SPIFFE IDs are acceptable. */
  readonly expectedServerId: Matcher;
  /** The server's trust domain, whose bundle anchors the TLS handshake (default: the client SVID's). */
  readonly trustDomain?: TrustDomain | string;
  /** The time certificates are checked at (default: the system clock). */
  readonly clock?: Clock;
  /** How often a changed SVID or bundle is looked for, in milliseconds (default 1000). */
  readonly refreshIntervalMs?: number;
}

/**
 * Channel credentials for SPIFFE mTLS. A rotated client SVID or a changed bundle is used for the
 * connections opened after the next refresh (grpc-js certificate providers); the server's
 * identity is checked in `checkServerIdentity` with `verifyX509Svid` and `expectedServerId`.
 *
 * @example
 * ```ts
 * const creds = spiffeChannelCredentials({ svidSource, bundleSource, expectedServerId: matchId(caId) });
 * ```
 */
export function spiffeChannelCredentials(options: SpiffeClientTlsOptions): ChannelCredentials {
  if (typeof options.expectedServerId !== 'function') throw new TypeError('spiffeChannelCredentials: expectedServerId must be a Matcher');
  const given = options.trustDomain;
  const trustDomain =
    given === undefined ? options.svidSource?.getX509Svid().id.trustDomain : typeof given === 'string' ? TrustDomain.parse(given) : given;
  if (trustDomain === undefined) throw new TypeError('spiffeChannelCredentials: trustDomain is required without an svidSource');
  const clock = options.clock ?? systemClock;
  const provider = new SourceCertificateProvider({
    trustDomain,
    bundleSource: options.bundleSource,
    ...(options.svidSource === undefined ? {} : { svidSource: options.svidSource }),
    refreshIntervalMs: options.refreshIntervalMs ?? 1_000,
  });
  const checkServerIdentity = (_hostname: string, cert: PeerCertificate): Error | undefined => {
    const chain = peerChainOf(cert);
    if (chain.length === 0) return new Error('spiffe tls: the server presented no certificate');
    try {
      const { id } = verifyX509Svid(chain, options.bundleSource, { now: clock.now() });
      if (!options.expectedServerId(id)) return new Error(`spiffe tls: the server's SPIFFE ID ${id.toString()} is not an expected one`);
      return undefined;
    } catch (err) {
      return new Error(`spiffe tls: the server's X.509-SVID did not verify: ${(err as Error).message}`);
    }
  };
  return experimental.createCertificateProviderChannelCredentials(provider, options.svidSource === undefined ? null : provider, {
    checkServerIdentity,
  });
}
