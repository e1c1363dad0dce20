/**
 * Join tokens: single-use secrets an agent presents to attest its node.
 *
 * Owner: registrar (created by admins), consumed by attestation. The token
 * itself is never stored, only its SHA-256, so a database leak does not leak
 * usable tokens. Consuming is one conditional UPDATE, so of several agents
 * racing with the same token exactly one wins.
 *
 * @example
 * ```ts
 * await createJoinToken(db, { token, expiresAt: new Date(now.getTime() + 600_000) }, now);
 * const used = await consumeJoinToken(db, token, now); // throws ExpiredError / AlreadyUsedError / NotFoundError
 * ```
 * @module
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/types.js';
import { AlreadyUsedError, ExpiredError, InvalidArgumentError, NotFoundError } from '../errors.js';

/** A stored join token (without the secret). */
export interface JoinToken {
  /** SHA-256 of the token, hex. */
  readonly tokenHash: string;
  /** SPIFFE ID the attested agent will get, if fixed at creation. */
  readonly agentSpiffeId: string | null;
  /** After this instant the token is refused. */
  readonly expiresAt: Date;
  /** When the token was created. */
  readonly createdAt: Date;
  /** When the token was consumed; null while unused. */
  readonly usedAt: Date | null;
}

/** What {@link createJoinToken} needs. */
export interface NewJoinToken {
  /** The secret handed to the operator (at least 16 characters). */
  token: string;
  /** When it stops being accepted; must be later than `now`. */
  expiresAt: Date;
  /** SPIFFE ID to give the agent; default chosen at attestation. */
  agentSpiffeId?: string | null | undefined;
}

interface JoinTokenRow {
  token_hash: string;
  agent_spiffe_id: string | null;
  expires_at: Date;
  created_at: Date;
  used_at: Date | null;
}

const COLUMNS = 'token_hash, agent_spiffe_id, expires_at, created_at, used_at';

/** SHA-256 (hex) of a join token: the only form in which it is stored. */
export function hashJoinToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Stores a new token; `AlreadyExistsError` if the same token exists. */
export async function createJoinToken(q: Queryable, input: NewJoinToken, now: Date): Promise<JoinToken> {
  if (typeof input.token !== 'string' || input.token.length < 16) {
    throw new InvalidArgumentError('token: must be at least 16 characters', { field: 'token' });
  }
  if (!(input.expiresAt instanceof Date) || !(input.expiresAt.getTime() > now.getTime())) {
    throw new InvalidArgumentError('expiresAt: must be a date later than now', { field: 'expiresAt' });
  }
  const { rows } = await q.query<JoinTokenRow>(
    `INSERT INTO join_tokens (token_hash, agent_spiffe_id, expires_at, created_at) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [hashJoinToken(input.token), input.agentSpiffeId ?? null, input.expiresAt, now],
  );
  return fromRow(rows[0] as JoinTokenRow);
}

/** The token's record, or `undefined`. */
export async function getJoinToken(q: Queryable, token: string): Promise<JoinToken | undefined> {
  const { rows } = await q.query<JoinTokenRow>(`SELECT ${COLUMNS} FROM join_tokens WHERE token_hash = $1`, [hashJoinToken(token)]);
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/**
 * Marks the token used and returns it. Fails with `NotFoundError` (unknown
 * token), `AlreadyUsedError` (consumed before) or `ExpiredError`
 * (`expiresAt <= now`).
 */
export async function consumeJoinToken(q: Queryable, token: string, now: Date): Promise<JoinToken> {
  const tokenHash = hashJoinToken(token);
  const { rows } = await q.query<JoinTokenRow>(
    `UPDATE join_tokens SET used_at = $2
      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
      RETURNING ${COLUMNS}`,
    [tokenHash, now],
  );
  if (rows[0] !== undefined) return fromRow(rows[0]);
  const { rows: existing } = await q.query<JoinTokenRow>(`SELECT ${COLUMNS} FROM join_tokens WHERE token_hash = $1`, [tokenHash]);
  const row = existing[0];
  if (row === undefined) throw new NotFoundError('join_tokens.token: unknown join token', { field: 'join_tokens.token' });
  if (row.used_at !== null) {
    throw new AlreadyUsedError(`join_tokens.used_at: join token was already used at ${row.used_at.toISOString()}`, {
      field: 'join_tokens.used_at',
    });
  }
  throw new ExpiredError(`join_tokens.expires_at: join token expired at ${row.expires_at.toISOString()}`, {
    field: 'join_tokens.expires_at',
  });
}

/** Deletes tokens (used or not) that expired before `before`; returns how many. */
export async function pruneJoinTokens(q: Queryable, before: Date): Promise<number> {
  const { rowCount } = await q.query('DELETE FROM join_tokens WHERE expires_at < $1', [before]);
  return rowCount;
}

function fromRow(row: JoinTokenRow): JoinToken {
  return {
    tokenHash: row.token_hash,
    agentSpiffeId: row.agent_spiffe_id,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    usedAt: row.used_at,
  };
}
