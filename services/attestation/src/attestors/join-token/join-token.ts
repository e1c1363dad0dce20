/**
 * The `join_token` node attestor: the node presents a single-use, expiring secret that an
 * administrator created with the registrar.
 *
 * - Agent ID: the token's configured agent SPIFFE ID, or
 *   `spiffe://<td>/spire/agent/join_token/<SHA-256 of the token, hex>` (the token itself never
 *   appears in an ID, a selector, a log line or an error message).
 * - Selector: `join_token:<the same SHA-256>`.
 * - The token is consumed in the transaction that records the node, so a failed attestation
 *   (a bad CSR, a banned agent, a signing failure) does not burn it, and of two nodes racing
 *   with one token exactly one wins.
 * - A join-token agent cannot re-attest: a new token (and an evicted agent) is needed.
 * @module
 */
import {
  AlreadyUsedError,
  consumeJoinToken,
  ExpiredError,
  getJoinToken,
  NotFoundError,
  type Queryable,
} from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { SpiffeId } from '@signet/spiffe';
import { agentIdFor } from '../../ids.js';
import { selector } from '../../internal/selectors.js';
import type { AttestationResult, AttestContext, NodeAttestor } from '../attestor.js';

/** The attestation type of join tokens. */
export const JOIN_TOKEN_TYPE = 'join_token';

/** Longest token accepted, in bytes (the registrar issues far shorter ones). */
const MAX_TOKEN_BYTES = 1024;
const FIELD = 'params.payload';

/** Dependencies of {@link joinTokenAttestor}. */
export interface JoinTokenAttestorOptions {
  /** Where tokens are stored (read to check, consumed in the recording transaction). */
  readonly db: Queryable;
}

/**
 * Creates the join token attestor.
 *
 * @example
 * ```ts
 * const attestor = joinTokenAttestor({ db });
 * const { agentId, commit } = await attestor.attest(Buffer.from(token), noChallenge, { trustDomain, now });
 * await db.transaction((tx) => commit!(tx, now));
 * ```
 */
export function joinTokenAttestor(options: JoinTokenAttestorOptions): NodeAttestor {
  return {
    type: JOIN_TOKEN_TYPE,
    async attest(payload: Uint8Array, _challenge, ctx: AttestContext): Promise<AttestationResult> {
      const token = decodeToken(payload);
      const record = await getJoinToken(options.db, token);
      if (record === undefined) throw denied('unknown join token');
      if (record.usedAt !== null) throw denied('join token was already used');
      if (record.expiresAt.getTime() <= ctx.now.getTime()) throw denied(`join token expired at ${record.expiresAt.toISOString()}`);
      const tokenId = record.tokenHash;
      const agentId = record.agentSpiffeId === null ? agentIdFor(ctx.trustDomain, JOIN_TOKEN_TYPE, tokenId) : configuredId(record.agentSpiffeId, ctx);
      return {
        agentId,
        selectors: [selector(JOIN_TOKEN_TYPE, tokenId)],
        canReattest: false,
        commit: async (tx, now) => {
          try {
            await consumeJoinToken(tx, token, now);
          } catch (err) {
            throw consumeError(err);
          }
        },
      };
    },
  };
}

function decodeToken(payload: Uint8Array): string {
  if (payload.length === 0) throw ApiError.invalid(FIELD, 'a join token is required');
  if (payload.length > MAX_TOKEN_BYTES) throw ApiError.invalid(FIELD, `a join token is at most ${MAX_TOKEN_BYTES} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    throw ApiError.invalid(FIELD, 'a join token must be UTF-8 text');
  }
}

function configuredId(agentSpiffeId: string, ctx: AttestContext): SpiffeId {
  const id = SpiffeId.tryParse(agentSpiffeId);
  if (id === undefined || !id.memberOf(ctx.trustDomain) || id.isTrustDomainId()) {
    throw new ApiError(
      'failed_precondition',
      `${FIELD}: the join token's agent SPIFFE ID ${JSON.stringify(agentSpiffeId)} is not a path in trust domain "${ctx.trustDomain.name}"`,
      { field: FIELD },
    );
  }
  return id;
}

function denied(rule: string): ApiError {
  return new ApiError('permission_denied', `${FIELD}: ${rule}`, { field: FIELD });
}

/** Maps the datastore's refusal to consume a token (a race lost to another node) to the API error. */
function consumeError(err: unknown): unknown {
  if (err instanceof AlreadyUsedError) return denied('join token was already used');
  if (err instanceof ExpiredError) return denied('join token has expired');
  if (err instanceof NotFoundError) return denied('unknown join token');
  return err;
}
