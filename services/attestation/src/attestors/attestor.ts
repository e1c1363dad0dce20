/**
 * The node attestor plugin interface: what the agent lifecycle needs from an attestation method
 * (join token, x509pop, k8s_psat, ...). An attestor checks the evidence a node presents, may
 * challenge the node (proof of possession), and returns the agent's SPIFFE ID and the node's
 * selectors. It never touches the agent records: `attestAgent` does.
 * @module
 */
import type { Selector, Tx } from '@signet/datastore';
import type { SpiffeId, TrustDomain } from '@signet/spiffe';

/**
 * Sends `challenge` to the node and resolves with its answer. Rejects when the node hangs up,
 * sends something else, or does not answer in time.
 */
export type ChallengeFn = (challenge: Uint8Array) => Promise<Uint8Array>;

/** What an attestor is told about the attestation in progress. */
export interface AttestContext {
  /** The server's trust domain (agent IDs are minted in it). */
  readonly trustDomain: TrustDomain;
  /** The current time, from the injected clock; expiry checks use it. */
  readonly now: Date;
  /** Aborted when the caller goes away or the server shuts down. */
  readonly signal?: AbortSignal;
}

/** What a successful attestation proves. */
export interface AttestationResult {
  /** The agent's SPIFFE ID. */
  readonly agentId: SpiffeId;
  /** The node's selectors (deduplicated). */
  readonly selectors: readonly Selector[];
  /** Whether the node may attest again with fresh evidence while its record exists. */
  readonly canReattest: boolean;
  /**
   * Work to do in the transaction that records the node, so both succeed or neither does (a
   * join token is consumed here: a failed attestation never burns it). It may throw to refuse.
   */
  readonly commit?: (tx: Tx, now: Date) => Promise<void>;
}

/**
 * A node attestation method.
 *
 * Errors: an `ApiError` with `invalid_argument` when the payload is malformed, and
 * `permission_denied` when the evidence is not accepted; messages name the request field
 * (`params.payload`, `challenge_response`) and never echo secrets.
 *
 * @example
 * ```ts
 * const result = await attestor.attest(payload, challenge, { trustDomain, now: clock.now() });
 * result.agentId.toString(); // 'spiffe://example.org/spire/agent/x509pop/4f1c…'
 * ```
 */
export interface NodeAttestor {
  /** The `attestation_type` this attestor answers, e.g. `join_token`. */
  readonly type: string;
  /** Checks the evidence in `payload` (challenging the node through `challenge` if needed). */
  attest(payload: Uint8Array, challenge: ChallengeFn, ctx: AttestContext): Promise<AttestationResult>;
  /** Releases resources (timers, cached keys). */
  close?(): Promise<void>;
}
