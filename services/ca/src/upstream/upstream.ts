/**
 * The upstream authority plugin interface: a CA above Signet's. With one configured, each new
 * X.509 authority is an intermediate CA whose certificate the upstream signs from a CSR, and the
 * trust bundle carries the upstream's roots instead of Signet's own certificates. Without one
 * (`ca.upstream.type: self-signed`, the default) each authority is a self-signed root.
 *
 * Built-in: `disk` (certificate, key and roots in PEM files). Vault, cloud CAs and the like
 * implement the same interface.
 * @module
 */
import type { DistinguishedName, TrustDomain } from '@signet/spiffe';

/** What Signet asks of its upstream for a new X.509 authority. */
export interface UpstreamMintRequest {
  /** PKCS#10 CSR (DER), signed with the new authority's private key. Its subject and SANs are advisory. */
  readonly csr: Uint8Array;
  /** The trust domain the CA serves (its SPIFFE ID goes in the URI SAN). */
  readonly trustDomain: TrustDomain;
  /** The requested lifetime; the upstream may shorten it (never beyond its own certificate). */
  readonly ttlSeconds: number;
  /** Issuance time. */
  readonly now: Date;
  /** The subject name wanted for the CA certificate. */
  readonly subject?: DistinguishedName;
}

/** The upstream's answer. */
export interface UpstreamMintResult {
  /** The new authority's CA certificate (DER). */
  readonly certificate: Uint8Array;
  /** Certificates from the one that signed `certificate` up to, not including, a root; issuer of `certificate` first. */
  readonly intermediates: readonly Uint8Array[];
  /** The upstream trust anchors (self-signed roots, DER) to publish in the bundle. */
  readonly roots: readonly Uint8Array[];
}

/**
 * A CA that signs Signet's intermediate CA certificates.
 *
 * @example
 * ```ts
 * const { certificate, intermediates, roots } = await upstream.mintX509Ca({ csr, trustDomain, ttlSeconds: 86_400, now });
 * ```
 */
export interface UpstreamAuthority {
  /** A short name for logs: `disk`, `vault`. */
  readonly name: string;
  /** Signs an intermediate CA certificate for the key in `csr`. */
  mintX509Ca(request: UpstreamMintRequest): Promise<UpstreamMintResult>;
}
