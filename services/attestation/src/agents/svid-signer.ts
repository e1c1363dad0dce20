/**
 * What the agent lifecycle needs from the CA: signing an agent's X.509-SVID from its CSR, and
 * the trust bundle handed to a freshly attested agent. The CA service implements it.
 * @module
 */
import type { SpiffeBundle } from '@signet/spiffe';

/** Parameters of {@link AgentSvidSigner.signAgentX509Svid}. */
export interface SignAgentX509SvidParams {
  /** The agent's PKCS#10 CSR (DER); its signature has been checked. The CA takes only its key. */
  readonly csr: Uint8Array;
  /** The agent's SPIFFE ID, decided by attestation (never taken from the CSR). */
  readonly spiffeId: string;
  /** Requested lifetime in seconds (the CA may shorten it, e.g. to its own expiry). */
  readonly ttlSeconds: number;
}

/** An issued agent SVID. */
export interface SignedAgentSvid {
  /** Leaf first, then intermediates up to (not including) the root. */
  readonly certChain: Uint8Array[];
  readonly expiresAt: Date;
  /** Serial number of the leaf, lower-case hex. */
  readonly serial: string;
}

/**
 * Signs agent SVIDs.
 *
 * @example
 * ```ts
 * const svid = await signer.signAgentX509Svid({ csr, spiffeId: agentId.toString(), ttlSeconds: 3600 });
 * ```
 */
export interface AgentSvidSigner {
  signAgentX509Svid(params: SignAgentX509SvidParams): Promise<SignedAgentSvid>;
  /** The local trust domain's current bundle. */
  getBundle(): Promise<SpiffeBundle>;
}
