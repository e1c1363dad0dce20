/**
 * Engine behaviour both implementations must share: value decoding,
 * transactions, the same-Db guard, LISTEN/NOTIFY.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlreadyExistsError, InternalError, InvalidArgumentError } from '../errors.js';
import { createFederationRelationship } from '../federation/federation-relationships.js';
import { at, countRows, rejectsWith, type SuiteContext, sleep, waitFor } from './context.js';

const relationship = (n: number) => ({
  trustDomain: `td${n}.example`,
  bundleEndpointUrl: `https://td${n}.example/bundle`,
  bundleEndpointProfile: 'https_web' as const,
});

/** Registers the engine behaviour tests. */
export function engineSuite(ctx: SuiteContext): void {
  describe('engine', () => {
    describe('decodes values the same way on both engines', () => {
      it('int8 becomes a number, exactly, up to 2^53 - 1', async () => {
        const { rows } = await ctx.db.query<{ big: number; small: number; n: number }>(
          'SELECT 9007199254740991::int8 AS big, (-5)::int8 AS small, count(*) AS n FROM (VALUES (1), (2)) v(x)',
        );
        assert.deepEqual(rows[0], { big: 9007199254740991, small: -5, n: 2 });
      });

      it('int8 beyond 2^53 is refused rather than rounded, and the connection stays usable', async () => {
        await rejectsWith(ctx.db.query('SELECT 9007199254740993::int8 AS v'), {
          type: InternalError,
          code: 'ERR_DATASTORE_INTERNAL',
          message: 'outside the safe integer range',
        });
        const { rows } = await ctx.db.query<{ v: number }>('SELECT 1::int8 AS v');
        assert.equal(rows[0]?.v, 1);
      });

      it('bytea and bytea[] become plain Uint8Arrays', async () => {
        const { rows } = await ctx.db.query<{ b: Uint8Array; arr: Uint8Array[] }>(
          `SELECT '\\x0102ff'::bytea AS b, ARRAY['\\x03'::bytea, '\\x'::bytea] AS arr`,
        );
        const row = rows[0];
        assert.ok(row !== undefined);
        assert.equal(Object.getPrototypeOf(row.b), Uint8Array.prototype);
        assert.deepEqual(row.b, new Uint8Array([1, 2, 255]));
        assert.deepEqual(row.arr, [new Uint8Array([3]), new Uint8Array([])]);
      });

      it('timestamptz becomes a Date, jsonb parsed JSON, text[] an array', async () => {
        const { rows } = await ctx.db.query<{ t: Date; j: unknown; a: string[] }>(
          `SELECT $1::timestamptz AS t, '{"a":[1,"x",null]}'::jsonb AS j, ARRAY['x','y'] AS a`,
          [at(1.5)],
        );
        assert.deepEqual(rows[0], { t: at(1.5), j: { a: [1, 'x', null] }, a: ['x', 'y'] });
      });

      it('bad input text is an InvalidArgumentError', async () => {
        await rejectsWith(ctx.db.query('SELECT $1::int AS v', ['not a number']), {
          type: InvalidArgumentError,
          code: 'ERR_DATASTORE_INVALID_ARGUMENT',
        });
      });
    });

    describe('transactions', () => {
      it('commit keeps every statement and returns the callback result', async () => {
        const result = await ctx.db.transaction(async (tx) => {
          await createFederationRelationship(tx, relationship(1), at(0));
          await createFederationRelationship(tx, relationship(2), at(0));
          return 'done';
        });
        assert.equal(result, 'done');
        assert.equal(await countRows(ctx.db, 'federation_relationships'), 2);
      });

      it('a callback that throws rolls everything back and rethrows its error', async () => {
        const boom = new Error('boom');
        await assert.rejects(
          ctx.db.transaction(async (tx) => {
            await createFederationRelationship(tx, relationship(1), at(0));
            throw boom;
          }),
          (err) => err === boom,
        );
        assert.equal(await countRows(ctx.db, 'federation_relationships'), 0);
      });

      it('a statement failure the callback swallowed still fails the transaction, committing nothing', async () => {
        await rejectsWith(
          ctx.db.transaction(async (tx) => {
            await createFederationRelationship(tx, relationship(1), at(0));
            await createFederationRelationship(tx, relationship(1), at(0)).catch(() => undefined);
            return 'carried on';
          }),
          { type: AlreadyExistsError, code: 'ERR_DATASTORE_ALREADY_EXISTS', constraint: 'federation_relationships_pkey' },
        );
        assert.equal(await countRows(ctx.db, 'federation_relationships'), 0);
      });

      it('statements issued concurrently inside one transaction all run', async () => {
        await ctx.db.transaction(async (tx) => {
          await Promise.all(Array.from({ length: 20 }, (_, i) => createFederationRelationship(tx, relationship(i), at(0))));
        });
        assert.equal(await countRows(ctx.db, 'federation_relationships'), 20);
      });

      it('concurrent transactions all commit', async () => {
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            ctx.db.transaction(async (tx) => {
              await createFederationRelationship(tx, relationship(i), at(0));
              await sleep(2);
            }),
          ),
        );
        assert.equal(await countRows(ctx.db, 'federation_relationships'), 8);
      });

      it('applies the requested isolation level', async () => {
        const level = await ctx.db.transaction(
          async (tx) => (await tx.query<{ l: string }>('SELECT current_setting($1) AS l', ['transaction_isolation'])).rows[0]?.l,
          { isolation: 'serializable' },
        );
        assert.equal(level, 'serializable');
      });

      it('using the Db itself inside its own transaction is a TypeError', async () => {
        await assert.rejects(
          ctx.db.transaction(async () => {
            await ctx.db.query('SELECT 1');
          }),
          TypeError,
        );
        await assert.rejects(ctx.db.transaction(async () => ctx.db.transaction(async () => 1)), TypeError);
      });

      it('a transaction handle is unusable after its callback returned', async () => {
        const leaked = await ctx.db.transaction(async (tx) => tx);
        await assert.rejects(leaked.query('SELECT 1'), TypeError);
      });

      it('bad options are TypeErrors', async () => {
        await assert.rejects(async () => ctx.db.transaction(async () => 1, { maxAttempts: 0 }), TypeError);
        await assert.rejects(async () => ctx.db.transaction(async () => 1, { isolation: 'chaos' as 'serializable' }), TypeError);
      });
    });

    describe('listen', () => {
      it('delivers a notification after commit, and nothing for a rolled-back transaction', async () => {
        const received: string[] = [];
        const unlisten = await ctx.db.listen('signet_test_channel', (payload) => received.push(payload));
        try {
          await assert.rejects(
            ctx.db.transaction(async (tx) => {
              await tx.query("SELECT pg_notify('signet_test_channel', 'rolled-back')");
              throw new Error('abort');
            }),
          );
          await ctx.db.transaction(async (tx) => {
            await tx.query("SELECT pg_notify('signet_test_channel', 'committed')");
            await sleep(20);
            assert.deepEqual(received, [], 'nothing is delivered before commit');
          });
          await waitFor(() => received.length > 0, 3_000, 'the notification');
          await sleep(30);
          assert.deepEqual(received, ['committed']);
        } finally {
          await unlisten();
        }
      });

      it('stops delivering after unlisten', async () => {
        const received: string[] = [];
        const unlisten = await ctx.db.listen('signet_test_channel', (payload) => received.push(payload));
        await unlisten();
        await ctx.db.query("SELECT pg_notify('signet_test_channel', 'late')");
        await sleep(50);
        assert.deepEqual(received, []);
      });

      it('rejects a channel name that is not a plain identifier', async () => {
        await assert.rejects(ctx.db.listen('bad channel; drop', () => undefined), TypeError);
      });
    });
  });
}
