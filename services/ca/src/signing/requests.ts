/**
 * The signing domain's request and result types, and the narrow interfaces it consumes.
 * @module
 */
import type { IssuanceRecord } from '@signet/datastore';
import type { ActiveJwtAuthority, ActiveX509Authority } from '../authority/snapshot.js';
import type { SubjectRequest } from './authorize.js';
import type { PublicKeySource } from './public-key.js';

/** The authorities the signer signs with (the authority manager). */
export interface SigningAuthorities {
  activeX509(): ActiveX509Authority;
  activeJwt(): ActiveJwtAuthority;
}

/** Where issuances are recorded (the ledger writer). */
export interface IssuanceRecorder {
  record(row: IssuanceRecord): void;
}

/** A request for a workload X.509-SVID. */
export interface X509SvidRequest extends PublicKeySource, SubjectRequest {
  /** Seconds; 0 or absent for the longest allowed. */
  readonly ttlSeconds?: number | undefined;
}

/** A request for an agent X.509-SVID. */
export interface AgentX509SvidRequest extends PublicKeySource {
  /** The agent's SPIFFE ID, in the agent namespace. */
  readonly spiffeId: string;
  readonly ttlSeconds?: number | undefined;
}

/** A request for a JWT-SVID. */
export interface JwtSvidRequest {
  readonly entryId?: string | undefined;
  readonly spiffeId?: string | undefined;
  readonly audience: readonly string[];
  readonly ttlSeconds?: number | undefined;
}

/** A signed X.509-SVID. */
export interface SignedX509Svid {
  readonly spiffeId: string;
  /** The leaf, then the authority's certificate and any upstream intermediates (no root). */
  readonly certChain: readonly Uint8Array[];
  readonly serialNumber: string;
  readonly expiresAt: Date;
  readonly authorityId: string;
  readonly entryId: string | undefined;
}

/** A signed JWT-SVID. */
export interface SignedJwtSvid {
  readonly spiffeId: string;
  readonly token: string;
  readonly expiresAt: Date;
  readonly keyId: string;
  readonly authorityId: string;
  readonly entryId: string | undefined;
}

