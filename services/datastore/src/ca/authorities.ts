/**
 * The authority journal repository: insert prepared authorities, move them
 * through their lifecycle with a check of the expected current state, and
 * list them.
 *
 * The schema allows at most one prepared and one active authority of each
 * kind. {@link activateAuthority} performs a rotation atomically: the active
 * authority becomes old and the prepared one becomes active.
 *
 * @example
 * ```ts
 * const next = await insertAuthority(db, { kind: 'x509', publicKey, certificate, keyId, keyRef, notBefore, notAfter }, now);
 * await activateAuthority(db, next.id, later);
 * await transitionAuthority(db, { id: previous.id, from: 'old', to: 'tainted' }, later);
 * ```
 * @module
 */
import { randomUUID } from 'node:crypto';
import { runInTransaction } from '../db/run-in-transaction.js';
import type { Queryable } from '../db/types.js';
import { ConflictError, InvalidArgumentError } from '../errors.js';
import {
  AUTHORITY_COLUMNS,
  AUTHORITY_TRANSITIONS,
  type Authority,
  type AuthorityKind,
  type AuthorityRow,
  type AuthorityState,
  authorityFromRow,
  authorityNotFound,
  STATE_TIMESTAMP_COLUMN,
} from './authority.js';

/** Fields of a newly prepared authority. */
export interface NewAuthority {
  /** Default a random UUID. */
  id?: string | undefined;
  kind: AuthorityKind;
  publicKey: Uint8Array;
  /** Required for x509, absent for jwt. */
  certificate?: Uint8Array | null | undefined;
  keyId: string;
  upstreamChain?: readonly Uint8Array[] | undefined;
  keyRef: string;
  notBefore: Date;
  notAfter: Date;
}

/** Arguments of {@link transitionAuthority}. */
export interface AuthorityTransition {
  id: string;
  /** The state the caller believes the authority is in. */
  from: AuthorityState;
  /** The state to move to; must be allowed by {@link AUTHORITY_TRANSITIONS}. */
  to: AuthorityState;
}

/** Filters of {@link listAuthorities}. */
export interface AuthorityFilter {
  kind?: AuthorityKind | undefined;
  /** Any of these states. */
  states?: readonly AuthorityState[] | undefined;
}

/** The result of a rotation. */
export interface Activation {
  /** The authority now active. */
  activated: Authority;
  /** The previously active authority, now old; absent on the first activation. */
  deactivated?: Authority;
}

/** Stores a new authority in the `prepared` state. */
export async function insertAuthority(q: Queryable, input: NewAuthority, now: Date): Promise<Authority> {
  const { rows } = await q.query<AuthorityRow>(
    `INSERT INTO ca_authorities (id, kind, state, public_key, certificate, key_id, upstream_chain, key_ref,
                                 not_before, not_after, created_at, updated_at)
     VALUES ($1, $2, 'prepared', $3, $4, $5, $6::bytea[], $7, $8, $9, $10, $10) RETURNING ${AUTHORITY_COLUMNS}`,
    [
      input.id ?? randomUUID(),
      input.kind,
      input.publicKey,
      input.certificate ?? null,
      input.keyId,
      [...(input.upstreamChain ?? [])],
      input.keyRef,
      input.notBefore,
      input.notAfter,
      now,
    ],
  );
  return authorityFromRow(rows[0] as AuthorityRow);
}

/** The authority with this id, or `undefined`. */
export async function getAuthority(q: Queryable, id: string): Promise<Authority | undefined> {
  const { rows } = await q.query<AuthorityRow>(`SELECT ${AUTHORITY_COLUMNS} FROM ca_authorities WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : authorityFromRow(rows[0]);
}

/** Authorities matching `filter`, oldest first. */
export async function listAuthorities(q: Queryable, filter: AuthorityFilter = {}): Promise<Authority[]> {
  const { rows } = await q.query<AuthorityRow>(
    `SELECT ${AUTHORITY_COLUMNS} FROM ca_authorities
      WHERE ($1::text IS NULL OR kind = $1) AND ($2::text[] IS NULL OR state = ANY($2::text[]))
      ORDER BY created_at, id`,
    [filter.kind ?? null, filter.states === undefined ? null : [...filter.states]],
  );
  return rows.map(authorityFromRow);
}

/** What the tainted authorities are, as bundles announce them. */
export interface TaintedAuthorities {
  /** CA certificates (DER) of tainted X.509 authorities. */
  readonly x509: readonly Uint8Array[];
  /** Key ids of tainted JWT signing keys. */
  readonly jwtKeyIds: readonly string[];
}

/** The tainted authorities: X.509 CA certificates and JWT key ids, in creation order. */
export async function listTaintedAuthorities(q: Queryable): Promise<TaintedAuthorities> {
  const tainted = await listAuthorities(q, { states: ['tainted'] });
  return {
    x509: tainted.filter((a) => a.kind === 'x509' && a.certificate !== null).map((a) => a.certificate as Uint8Array),
    jwtKeyIds: tainted.filter((a) => a.kind === 'jwt').map((a) => a.keyId),
  };
}

/**
 * Moves an authority from `from` to `to`, stamping the transition time.
 * `InvalidArgumentError` for a transition the lifecycle does not allow,
 * `NotFoundError` for an unknown id, `ConflictError` when it is not in `from`.
 */
export async function transitionAuthority(q: Queryable, transition: AuthorityTransition, now: Date): Promise<Authority> {
  const { id, from, to } = transition;
  if (!Object.hasOwn(AUTHORITY_TRANSITIONS, from) || !AUTHORITY_TRANSITIONS[from].includes(to)) {
    throw new InvalidArgumentError(
      `ca_authorities.state: cannot move an authority from ${JSON.stringify(from)} to ${JSON.stringify(to)} ` +
        '(allowed: prepared → active → old → tainted → revoked)',
      { field: 'ca_authorities.state' },
    );
  }
  const { rows } = await q.query<AuthorityRow>(
    `UPDATE ca_authorities SET state = $3, ${STATE_TIMESTAMP_COLUMN[to]} = $4, updated_at = $4
      WHERE id = $1 AND state = $2 RETURNING ${AUTHORITY_COLUMNS}`,
    [id, from, to, now],
  );
  if (rows[0] !== undefined) return authorityFromRow(rows[0]);
  const current = await getAuthority(q, id);
  if (current === undefined) throw authorityNotFound(id);
  throw new ConflictError(`ca_authorities.state: authority ${JSON.stringify(id)} is ${current.state}, not ${from}`, {
    field: 'ca_authorities.state',
  });
}

/** Rotates: the active authority of the prepared one's kind becomes old, the prepared one active. */
export async function activateAuthority(q: Queryable, id: string, now: Date): Promise<Activation> {
  return runInTransaction(q, async (tx) => {
    const { rows } = await tx.query<AuthorityRow>(`SELECT ${AUTHORITY_COLUMNS} FROM ca_authorities WHERE id = $1 FOR UPDATE`, [id]);
    const prepared = rows[0];
    if (prepared === undefined) throw authorityNotFound(id);
    if (prepared.state !== 'prepared') {
      throw new ConflictError(`ca_authorities.state: authority ${JSON.stringify(id)} is ${prepared.state}, not prepared`, {
        field: 'ca_authorities.state',
      });
    }
    const retired = await tx.query<AuthorityRow>(
      `UPDATE ca_authorities SET state = 'old', deactivated_at = $2, updated_at = $2
        WHERE kind = $1 AND state = 'active' RETURNING ${AUTHORITY_COLUMNS}`,
      [prepared.kind, now],
    );
    const activated = await transitionAuthority(tx, { id, from: 'prepared', to: 'active' }, now);
    const deactivated = retired.rows[0];
    return deactivated === undefined ? { activated } : { activated, deactivated: authorityFromRow(deactivated) };
  });
}
