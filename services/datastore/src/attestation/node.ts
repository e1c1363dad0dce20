/**
 * Attested nodes: agents that proved their identity, with the serial numbers
 * of their current (and rotating) SVIDs.
 *
 * Owner: attestation.
 * @module
 */
import { NotFoundError } from '../errors.js';

/** A stored attested node. */
export interface AttestedNode {
  /** The agent's SPIFFE ID (primary key). */
  readonly spiffeId: string;
  /** The node attestor that vouched for it (e.g. `join_token`, `k8s_psat`). */
  readonly attestationType: string;
  /** Serial (lowercase hex) of the agent's current SVID; null when banned or not yet issued. */
  readonly certSerial: string | null;
  /** Expiry of that SVID. */
  readonly certNotAfter: Date | null;
  /** Serial of an SVID being rotated in, until the agent uses it. */
  readonly newCertSerial: string | null;
  /** Expiry of that SVID. */
  readonly newCertNotAfter: Date | null;
  /** A banned node is refused until it is evicted and attests again. */
  readonly banned: boolean;
  /** The node may attest again with fresh evidence (not true for join tokens). */
  readonly canReattest: boolean;
  /** When the node first attested. */
  readonly createdAt: Date;
  /** When the record last changed. */
  readonly updatedAt: Date;
}

/** Fields of a newly attested node. */
export interface NewAttestedNode {
  spiffeId: string;
  attestationType: string;
  certSerial?: string | null | undefined;
  certNotAfter?: Date | null | undefined;
  newCertSerial?: string | null | undefined;
  newCertNotAfter?: Date | null | undefined;
  canReattest?: boolean | undefined;
}

/** Fields an update may change; absent (undefined) fields keep their value, null clears. */
export type AttestedNodeChanges = Partial<Omit<NewAttestedNode, 'spiffeId'>>;

/** Row shape of `attested_nodes`. */
export interface NodeRow {
  spiffe_id: string;
  attestation_type: string;
  cert_serial: string | null;
  cert_not_after: Date | null;
  new_cert_serial: string | null;
  new_cert_not_after: Date | null;
  banned: boolean;
  can_reattest: boolean;
  created_at: Date;
  updated_at: Date;
}

/** Columns of `attested_nodes` in {@link NodeRow} order. */
export const NODE_COLUMNS =
  'spiffe_id, attestation_type, cert_serial, cert_not_after, new_cert_serial, new_cert_not_after, banned, can_reattest, created_at, updated_at';

/** Maps a row to the domain type. */
export function nodeFromRow(row: NodeRow): AttestedNode {
  return {
    spiffeId: row.spiffe_id,
    attestationType: row.attestation_type,
    certSerial: row.cert_serial,
    certNotAfter: row.cert_not_after,
    newCertSerial: row.new_cert_serial,
    newCertNotAfter: row.new_cert_not_after,
    banned: row.banned,
    canReattest: row.can_reattest,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The error for a missing node. */
export function nodeNotFound(spiffeId: string): NotFoundError {
  return new NotFoundError(`attested_nodes.spiffe_id: no attested node ${JSON.stringify(spiffeId)}`, {
    field: 'attested_nodes.spiffe_id',
  });
}
