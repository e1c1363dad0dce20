/**
 * Join tokens: stored hashed, consumed once, refused when expired.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlreadyExistsError, AlreadyUsedError, ExpiredError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { consumeJoinToken, createJoinToken, getJoinToken, hashJoinToken, pruneJoinTokens } from '../registrar/join-tokens.js';
import { at, countRows, rejectsWith, type SuiteContext } from './context.js';

const TOKEN = 'a-join-token-secret-0123456789';

/** Registers the join token tests. */
export function joinTokensSuite(ctx: SuiteContext): void {
  describe('join tokens', () => {
    it('stores only the SHA-256 of the token', async () => {
      const created = await createJoinToken(
        ctx.db,
        { token: TOKEN, expiresAt: at(600), agentSpiffeId: 'spiffe://example.org/agent/join' },
        at(0),
      );
      assert.equal(created.tokenHash, hashJoinToken(TOKEN));
      assert.match(created.tokenHash, /^[0-9a-f]{64}$/);
      const { rows } = await ctx.db.query('SELECT * FROM join_tokens');
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(TOKEN), 'the token itself is not stored');
      assert.deepEqual(await getJoinToken(ctx.db, TOKEN), created);
      assert.equal(created.usedAt, null);
    });

    it('consumes a token once; the second attempt is refused as already used', async () => {
      await createJoinToken(ctx.db, { token: TOKEN, expiresAt: at(600) }, at(0));
      const used = await consumeJoinToken(ctx.db, TOKEN, at(10));
      assert.deepEqual(used.usedAt, at(10));
      await rejectsWith(consumeJoinToken(ctx.db, TOKEN, at(11)), {
        type: AlreadyUsedError,
        code: 'ERR_DATASTORE_ALREADY_USED',
        message: 'already used',
      });
    });

    it('lets exactly one of several racing agents consume a token', async () => {
      await createJoinToken(ctx.db, { token: TOKEN, expiresAt: at(600) }, at(0));
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => consumeJoinToken(ctx.db, TOKEN, at(5))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof AlreadyUsedError);
    });

    it('refuses an expired token, at and after its expiry', async () => {
      await createJoinToken(ctx.db, { token: TOKEN, expiresAt: at(600) }, at(0));
      for (const when of [at(600), at(601)]) {
        await rejectsWith(consumeJoinToken(ctx.db, TOKEN, when), {
          type: ExpiredError,
          code: 'ERR_DATASTORE_EXPIRED',
          message: 'join_tokens.expires_at',
        });
      }
      assert.equal((await getJoinToken(ctx.db, TOKEN))?.usedAt, null);
    });

    it('refuses an unknown token', async () => {
      await rejectsWith(consumeJoinToken(ctx.db, 'never-created-token-123', at(0)), {
        type: NotFoundError,
        code: 'ERR_DATASTORE_NOT_FOUND',
      });
    });

    const badTokens = [
      { name: 'a short token', input: { token: 'short', expiresAt: at(600) }, message: 'token: must be at least 16' },
      { name: 'an expiry in the past', input: { token: TOKEN, expiresAt: at(0) }, message: 'expiresAt' },
      {
        name: 'an invalid agent SPIFFE ID',
        input: { token: TOKEN, expiresAt: at(600), agentSpiffeId: 'agent' },
        message: 'join_tokens.agent_spiffe_id',
      },
    ];
    for (const { name, input, message } of badTokens) {
      it(`refuses ${name}`, async () => {
        await rejectsWith(createJoinToken(ctx.db, input, at(0)), {
          type: InvalidArgumentError,
          code: 'ERR_DATASTORE_INVALID_ARGUMENT',
          message,
        });
        assert.equal(await countRows(ctx.db, 'join_tokens'), 0);
      });
    }

    it('refuses the same token twice', async () => {
      await createJoinToken(ctx.db, { token: TOKEN, expiresAt: at(600) }, at(0));
      await rejectsWith(createJoinToken(ctx.db, { token: TOKEN, expiresAt: at(900) }, at(0)), {
        type: AlreadyExistsError,
        code: 'ERR_DATASTORE_ALREADY_EXISTS',
        constraint: 'join_tokens_pkey',
      });
    });

    it('prunes tokens that expired before the given instant, used or not', async () => {
      await createJoinToken(ctx.db, { token: `${TOKEN}-1`, expiresAt: at(100) }, at(0));
      await createJoinToken(ctx.db, { token: `${TOKEN}-2`, expiresAt: at(200) }, at(0));
      await createJoinToken(ctx.db, { token: `${TOKEN}-3`, expiresAt: at(300) }, at(0));
      await consumeJoinToken(ctx.db, `${TOKEN}-2`, at(50));
      assert.equal(await pruneJoinTokens(ctx.db, at(250)), 2);
      assert.ok((await getJoinToken(ctx.db, `${TOKEN}-3`)) !== undefined);
      assert.equal(await countRows(ctx.db, 'join_tokens'), 1);
    });
  });
}
