/**
 * Trust bundles: sequence on every write, compare-and-swap, the single local bundle.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deleteBundle, getBundle, listBundles, putBundle } from '../ca/bundles.js';
import { AlreadyExistsError, ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { JsonObject } from '../internal/json.js';
import { at, rejectsWith, type SuiteContext } from './context.js';

const doc = (n: number): JsonObject => ({ keys: [{ kty: 'EC', kid: `k${n}`, use: 'x509-svid' }], spiffe_refresh_hint: 300 });

/** Registers the bundle tests. */
export function bundlesSuite(ctx: SuiteContext): void {
  describe('bundles', () => {
    it('creates a bundle at sequence 1 and increments it on every write', async () => {
      const first = await putBundle(ctx.db, { trustDomain: 'example.org', document: doc(1), source: 'local' }, at(0));
      assert.deepEqual(first, {
        trustDomain: 'example.org',
        document: doc(1),
        source: 'local',
        sequence: 1,
        createdAt: at(0),
        updatedAt: at(0),
      });
      const second = await putBundle(ctx.db, { trustDomain: 'example.org', document: doc(2), source: 'local' }, at(5));
      assert.deepEqual([second.sequence, second.document, second.createdAt, second.updatedAt], [2, doc(2), at(0), at(5)]);
      assert.deepEqual(await getBundle(ctx.db, 'example.org'), second);
    });

    it('writes conditionally on the expected sequence', async () => {
      const created = await putBundle(ctx.db, { trustDomain: 'p.example', document: doc(1), source: 'federated' }, at(0), {
        expectedSequence: 0,
      });
      assert.equal(created.sequence, 1);
      const conflict = { type: ConflictError, code: 'ERR_DATASTORE_CONFLICT', message: 'is at sequence 1, not' } as const;
      await rejectsWith(
        putBundle(ctx.db, { trustDomain: 'p.example', document: doc(2), source: 'federated' }, at(1), { expectedSequence: 0 }),
        conflict,
      );
      await rejectsWith(
        putBundle(ctx.db, { trustDomain: 'p.example', document: doc(2), source: 'federated' }, at(1), { expectedSequence: 5 }),
        conflict,
      );
      const next = await putBundle(ctx.db, { trustDomain: 'p.example', document: doc(2), source: 'federated' }, at(1), {
        expectedSequence: 1,
      });
      assert.equal(next.sequence, 2);
      await rejectsWith(
        putBundle(ctx.db, { trustDomain: 'new.example', document: doc(1), source: 'manual' }, at(1), { expectedSequence: 3 }),
        { type: ConflictError, code: 'ERR_DATASTORE_CONFLICT', message: 'is at sequence 0, not 3' },
      );
    });

    it('keeps a single local bundle', async () => {
      await putBundle(ctx.db, { trustDomain: 'example.org', document: doc(1), source: 'local' }, at(0));
      await rejectsWith(putBundle(ctx.db, { trustDomain: 'other.org', document: doc(1), source: 'local' }, at(0)), {
        type: AlreadyExistsError,
        code: 'ERR_DATASTORE_ALREADY_EXISTS',
        constraint: 'bundles_one_local_idx',
      });
    });

    it('refuses a document that is not a JSON object, and a bad trust domain', async () => {
      await rejectsWith(
        putBundle(ctx.db, { trustDomain: 'x.example', document: [1, 2] as unknown as JsonObject, source: 'manual' }, at(0)),
        { type: InvalidArgumentError, code: 'ERR_DATASTORE_INVALID_ARGUMENT', constraint: 'bundles_document_check' },
      );
      await rejectsWith(putBundle(ctx.db, { trustDomain: 'X Example', document: doc(1), source: 'manual' }, at(0)), {
        type: InvalidArgumentError,
        code: 'ERR_DATASTORE_INVALID_ARGUMENT',
        constraint: 'bundles_trust_domain_check',
      });
    });

    it('lists bundles, optionally by source, and deletes them', async () => {
      await putBundle(ctx.db, { trustDomain: 'b.example', document: doc(1), source: 'federated' }, at(0));
      await putBundle(ctx.db, { trustDomain: 'a.example', document: doc(1), source: 'local' }, at(0));
      await putBundle(ctx.db, { trustDomain: 'c.example', document: doc(1), source: 'federated' }, at(0));
      assert.deepEqual(
        (await listBundles(ctx.db)).map((b) => b.trustDomain),
        ['a.example', 'b.example', 'c.example'],
      );
      assert.deepEqual(
        (await listBundles(ctx.db, { source: 'federated' })).map((b) => b.trustDomain),
        ['b.example', 'c.example'],
      );
      assert.equal((await deleteBundle(ctx.db, 'b.example')).trustDomain, 'b.example');
      await rejectsWith(deleteBundle(ctx.db, 'b.example'), { type: NotFoundError, code: 'ERR_DATASTORE_NOT_FOUND' });
      assert.equal(await getBundle(ctx.db, 'b.example'), undefined);
    });
  });
}
