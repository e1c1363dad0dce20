/**
 * Creating join tokens: a random secret with a lifetime (the configured default when the
 * request says 0, never more than the configured maximum) and optionally the agent SPIFFE ID it
 * attests as. Only the token's SHA-256 is stored; the value is returned once and never logged
 * (audit lines carry the hash prefix). Consuming tokens is the attestation service's job.
 *
 * @example
 * ```ts
 * const tokens = new JoinTokenService({ db, trustDomain, clock, limits });
 * const { value, expiresAt } = await tokens.create({ ttlSeconds: 0, agentSpiffeId: '' });
 * ```
 * @module
 */
import { appendEvent, createJoinToken } from '@signet/datastore';
import { ApiError, type Clock } from '@signet/platform';
import type { TrustDomain } from '@signet/spiffe';
import type { Tracer } from '@opentelemetry/api';
import type { RegistrarLimits } from '../config.js';
import { agentId } from '../entries/validate-ids.js';
import { inSpan } from '../telemetry/spans.js';
import type { Db } from '@signet/datastore';
import { generateJoinToken, joinTokenHashPrefix } from './generate-token.js';

/** The event kind appended when a join token is created (subject `sha256:<hash prefix>`). */
export const JOIN_TOKEN_CREATED = 'join_token.created';

/** Dependencies of {@link JoinTokenService}. */
export interface JoinTokenDeps {
  readonly db: Db;
  readonly trustDomain: TrustDomain;
  readonly clock: Pick<Clock, 'now'>;
  readonly limits: Pick<RegistrarLimits, 'joinTokenTtl' | 'maxJoinTokenTtl'>;
  readonly tracer: Tracer;
}

/** What a caller asks for. */
export interface JoinTokenRequest {
  /** Seconds; 0: the configured default. */
  readonly ttlSeconds: number;
  /** `''`: the agent gets `spiffe://<td>/spire/agent/join_token/<hash>`. */
  readonly agentSpiffeId: string;
}

/** A created token. `value` is the secret: show it to the operator once, never log it. */
export interface CreatedJoinToken {
  readonly value: string;
  readonly expiresAt: Date;
  readonly agentSpiffeId: string | null;
  /** First hex characters of the token's SHA-256, for audit lines. */
  readonly hashPrefix: string;
}

/** Creates join tokens; see the module documentation. */
export class JoinTokenService {
  readonly #deps: JoinTokenDeps;

  constructor(deps: JoinTokenDeps) {
    this.#deps = deps;
  }

  /** Creates and stores (hashed) a new token. */
  async create(request: JoinTokenRequest): Promise<CreatedJoinToken> {
    const { limits, trustDomain, db } = this.#deps;
    const ttl = request.ttlSeconds;
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > limits.maxJoinTokenTtl) {
      throw ApiError.invalid('ttl', `must be a whole number of seconds from 0 (the default, ${limits.joinTokenTtl}) to ${limits.maxJoinTokenTtl} (got ${String(ttl)})`);
    }
    const agent = request.agentSpiffeId ? agentId(request.agentSpiffeId, trustDomain, 'agent_spiffe_id').toString() : null;
    const now = this.#deps.clock.now();
    const expiresAt = new Date(now.getTime() + (ttl === 0 ? limits.joinTokenTtl : ttl) * 1000);
    const value = generateJoinToken();
    const hashPrefix = joinTokenHashPrefix(value);
    await inSpan(this.#deps.tracer, 'registrar.join_tokens.insert', {}, () =>
      db.transaction(async (tx) => {
        await createJoinToken(tx, { token: value, expiresAt, agentSpiffeId: agent }, now);
        await appendEvent(
          tx,
          { kind: JOIN_TOKEN_CREATED, subject: `sha256:${hashPrefix}`, payload: { expires_at: expiresAt.toISOString(), agent_spiffe_id: agent } },
          now,
        );
      }),
    );
    return { value, expiresAt, agentSpiffeId: agent, hashPrefix };
  }
}
