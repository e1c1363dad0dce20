/**
 * Signing authorities (the CA journal): X.509 CAs and JWT signing keys, and
 * their lifecycle prepared → active → old → tainted → revoked.
 *
 * Owner: ca. Private keys are never stored here: `keyRef` names the key in
 * the key manager (a KMS key, a file, a PKCS#11 slot).
 * @module
 */
import { NotFoundError } from '../errors.js';

/** What an authority signs. */
export type AuthorityKind = 'x509' | 'jwt';

/** Lifecycle states of an authority. */
export type AuthorityState = 'prepared' | 'active' | 'old' | 'tainted' | 'revoked';

/**
 * The allowed transitions: a prepared authority is activated (which retires
 * the active one to old); an old one may be tainted (its issued SVIDs must be
 * replaced) and a tainted one revoked (removed from the bundle).
 */
export const AUTHORITY_TRANSITIONS: Readonly<Record<AuthorityState, readonly AuthorityState[]>> = {
  prepared: ['active'],
  active: ['old'],
  old: ['tainted'],
  tainted: ['revoked'],
  revoked: [],
};

/** A stored authority. */
export interface Authority {
  readonly id: string;
  readonly kind: AuthorityKind;
  readonly state: AuthorityState;
  /** SubjectPublicKeyInfo, DER. */
  readonly publicKey: Uint8Array;
  /** The CA certificate (DER) of an x509 authority; null for jwt. */
  readonly certificate: Uint8Array | null;
  /** JWT `kid`, or the X.509 subject key identifier (hex). Unique per kind. */
  readonly keyId: string;
  /** Intermediate certificates (DER) up to the upstream root, leaf-most first. */
  readonly upstreamChain: readonly Uint8Array[];
  /** Reference to the private key in the key manager. */
  readonly keyRef: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** When it was prepared. */
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  /** When it became old. */
  readonly deactivatedAt: Date | null;
  readonly taintedAt: Date | null;
  readonly revokedAt: Date | null;
  readonly updatedAt: Date;
}

/** Row shape of `ca_authorities`. */
export interface AuthorityRow {
  id: string;
  kind: AuthorityKind;
  state: AuthorityState;
  public_key: Uint8Array;
  certificate: Uint8Array | null;
  key_id: string;
  upstream_chain: Uint8Array[];
  key_ref: string;
  not_before: Date;
  not_after: Date;
  created_at: Date;
  activated_at: Date | null;
  deactivated_at: Date | null;
  tainted_at: Date | null;
  revoked_at: Date | null;
  updated_at: Date;
}

/** Columns of `ca_authorities` in {@link AuthorityRow} order. */
export const AUTHORITY_COLUMNS =
  'id, kind, state, public_key, certificate, key_id, upstream_chain, key_ref, not_before, not_after, ' +
  'created_at, activated_at, deactivated_at, tainted_at, revoked_at, updated_at';

/** The timestamp column set when entering each state (prepared is `created_at`). */
export const STATE_TIMESTAMP_COLUMN: Readonly<Record<AuthorityState, string>> = {
  prepared: 'created_at',
  active: 'activated_at',
  old: 'deactivated_at',
  tainted: 'tainted_at',
  revoked: 'revoked_at',
};

/** Maps a row to the domain type. */
export function authorityFromRow(row: AuthorityRow): Authority {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    publicKey: row.public_key,
    certificate: row.certificate,
    keyId: row.key_id,
    upstreamChain: row.upstream_chain,
    keyRef: row.key_ref,
    notBefore: row.not_before,
    notAfter: row.not_after,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    deactivatedAt: row.deactivated_at,
    taintedAt: row.tainted_at,
    revokedAt: row.revoked_at,
    updatedAt: row.updated_at,
  };
}

/** The error for a missing authority. */
export function authorityNotFound(id: string): NotFoundError {
  return new NotFoundError(`ca_authorities.id: no authority ${JSON.stringify(id)}`, { field: 'ca_authorities.id' });
}
