/**
 * What the CA needs to know about registration entries to sign for them, as an interface it
 * consumes: the attestation service implements it (which entries an agent's node may serve
 * depends on attestation data the CA does not own).
 * @module
 */

/** The facts of a registration entry that shape its SVIDs. */
export interface AuthorizedEntry {
  readonly id: string;
  /** The SPIFFE ID its SVIDs carry. */
  readonly spiffeId: string;
  /** X.509-SVID lifetime in seconds; 0 means the CA default. */
  readonly x509SvidTtl: number;
  /** JWT-SVID lifetime in seconds; 0 means the CA default. */
  readonly jwtSvidTtl: number;
  /** DNS SANs of its X.509-SVIDs. */
  readonly dnsNames: readonly string[];
  /** When the entry stops being served; absent or null for never. */
  readonly expiresAt?: Date | null | undefined;
}

/**
 * Answers which entries a caller may get SVIDs for.
 *
 * @example
 * ```ts
 * const entry = await authorizer.authorizedEntry('spiffe://example.org/spire/agent/join_token/abc', entryId);
 * if (entry === undefined) throw new ApiError('permission_denied', 'entry_id: not served by this agent');
 * ```
 */
export interface EntryAuthorizer {
  /** The entry when the agent `agentId`'s node may serve it; `undefined` when it does not exist or may not. */
  authorizedEntry(agentId: string, entryId: string): Promise<AuthorizedEntry | undefined>;
  /** The entry, whoever asks (for admin callers, and to tell "unknown" from "not yours"); `undefined` when unknown. */
  getEntry(entryId: string): Promise<AuthorizedEntry | undefined>;
}
