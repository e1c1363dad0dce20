/**
 * Server SVID requests (table `server_svid_requests`, migration 0002): a Signet process without
 * the CA asks for its server X.509-SVID by writing its public key; a CA process signs pending
 * requests and writes the chain (or the reason it refused) back.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/types.js';

/** A request as stored. */
export interface ServerSvidRequest {
  readonly id: string;
  readonly service: string;
  /** SubjectPublicKeyInfo, DER. */
  readonly publicKey: Uint8Array;
  readonly ttlSeconds: number;
  /** Leaf first; undefined until completed. */
  readonly certChain: readonly Uint8Array[] | undefined;
  readonly error: string | undefined;
  readonly createdAt: Date;
  readonly completedAt: Date | undefined;
}

interface Row {
  id: string;
  service: string;
  public_key: Uint8Array;
  ttl_seconds: number;
  cert_chain: Uint8Array[] | null;
  error: string | null;
  created_at: Date;
  completed_at: Date | null;
}

const COLUMNS = 'id, service, public_key, ttl_seconds, cert_chain, error, created_at, completed_at';

function fromRow(r: Row): ServerSvidRequest {
  return {
    id: r.id,
    service: r.service,
    publicKey: new Uint8Array(r.public_key),
    ttlSeconds: r.ttl_seconds,
    certChain: r.cert_chain === null ? undefined : r.cert_chain.map((c) => new Uint8Array(c)),
    error: r.error ?? undefined,
    createdAt: new Date(r.created_at),
    completedAt: r.completed_at === null ? undefined : new Date(r.completed_at),
  };
}

/** Records a request; returns its id. */
export async function createServerSvidRequest(q: Queryable, req: { service: string; publicKey: Uint8Array; ttlSeconds: number }, now: Date): Promise<string> {
  const id = randomUUID();
  await q.query('INSERT INTO server_svid_requests (id, service, public_key, ttl_seconds, created_at) VALUES ($1, $2, $3, $4, $5)', [
    id,
    req.service,
    Buffer.from(req.publicKey),
    req.ttlSeconds,
    now,
  ]);
  return id;
}

/** One request by id. */
export async function getServerSvidRequest(q: Queryable, id: string): Promise<ServerSvidRequest | undefined> {
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM server_svid_requests WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/**
 * Claims up to `limit` pending requests for completion, oldest first, skipping rows another CA
 * replica holds (call inside a transaction).
 */
export async function claimPendingServerSvidRequests(q: Queryable, limit: number): Promise<ServerSvidRequest[]> {
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM server_svid_requests WHERE completed_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map(fromRow);
}

/** Completes a request with a chain or an error. */
export async function completeServerSvidRequest(q: Queryable, id: string, outcome: { certChain: readonly Uint8Array[] } | { error: string }, now: Date): Promise<void> {
  await q.query('UPDATE server_svid_requests SET cert_chain = $2, error = $3, completed_at = $4 WHERE id = $1', [
    id,
    'certChain' in outcome ? outcome.certChain.map((c) => Buffer.from(c)) : null,
    'error' in outcome ? outcome.error : null,
    now,
  ]);
}

/** Deletes completed requests older than `before`; returns how many. */
export async function pruneServerSvidRequests(q: Queryable, before: Date): Promise<number> {
  const { rowCount } = await q.query('DELETE FROM server_svid_requests WHERE created_at < $1', [before]);
  return rowCount ?? 0;
}
