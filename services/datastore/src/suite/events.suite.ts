/**
 * The change log: append inside the caller's transaction, read in order,
 * prune a prefix and report the horizon.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { appendEvent, appendEvents } from '../events/append.js';
import { EventKinds } from '../events/event.js';
import { latestRevision, pruneEvents, readEvents } from '../events/read.js';
import { at, rejectsWith, type SuiteContext } from './context.js';

/** Registers the change log tests. */
export function eventsSuite(ctx: SuiteContext): void {
  describe('change events', () => {
    it('appends events with increasing revisions and reads them back in order', async () => {
      const first = await appendEvent(ctx.db, { kind: EventKinds.entryCreated, subject: 'e1', payload: { parentId: 'p' } }, at(0));
      const more = await appendEvents(
        ctx.db,
        [
          { kind: EventKinds.entryUpdated, subject: 'e1' },
          { kind: EventKinds.entryDeleted, subject: 'e1' },
        ],
        at(1),
      );
      assert.deepEqual(first, { revision: 1, kind: 'entry.created', subject: 'e1', payload: { parentId: 'p' }, createdAt: at(0) });
      assert.deepEqual(
        more.map((e) => [e.revision, e.kind, e.payload]),
        [
          [2, 'entry.updated', {}],
          [3, 'entry.deleted', {}],
        ],
      );
      assert.deepEqual(await readEvents(ctx.db, { afterRevision: 1 }), { events: more, prunedThrough: 0 });
      assert.deepEqual((await readEvents(ctx.db, { afterRevision: 0, limit: 2 })).events.map((e) => e.revision), [1, 2]);
      assert.deepEqual(await readEvents(ctx.db, { afterRevision: 3 }), { events: [], prunedThrough: 0 });
      assert.equal(await latestRevision(ctx.db), 3);
    });

    it('joins the caller transaction: a rollback leaves no event and only a gap in the numbering', async () => {
      await appendEvent(ctx.db, { kind: 'entry.created', subject: 'a' }, at(0));
      await assert.rejects(
        ctx.db.transaction(async (tx) => {
          await appendEvent(tx, { kind: 'entry.created', subject: 'rolled-back' }, at(0));
          throw new Error('abort');
        }),
      );
      const next = await appendEvent(ctx.db, { kind: 'entry.created', subject: 'b' }, at(0));
      const { events } = await readEvents(ctx.db, { afterRevision: 0 });
      assert.deepEqual(
        events.map((e) => e.subject),
        ['a', 'b'],
      );
      assert.ok(next.revision > 2, `revision ${next.revision} comes after the rolled-back one`);
      assert.equal(await latestRevision(ctx.db), next.revision);
    });

    it('refuses a malformed kind or an empty subject, appending nothing', async () => {
      await rejectsWith(appendEvents(ctx.db, [{ kind: 'entry.created', subject: 'ok' }, { kind: 'EntryCreated', subject: 'x' }], at(0)), {
        type: InvalidArgumentError,
        code: 'ERR_DATASTORE_INVALID_ARGUMENT',
        constraint: 'change_events_kind_check',
        message: 'change_events.kind',
      });
      await rejectsWith(appendEvent(ctx.db, { kind: 'entry.created', subject: '' }, at(0)), {
        type: InvalidArgumentError,
        code: 'ERR_DATASTORE_INVALID_ARGUMENT',
        constraint: 'change_events_subject_check',
      });
      assert.deepEqual((await readEvents(ctx.db, { afterRevision: 0 })).events, []);
    });

    it('refuses a read limit out of range', async () => {
      for (const limit of [0, 10_001, 1.5]) {
        await rejectsWith(readEvents(ctx.db, { afterRevision: 0, limit }), {
          type: InvalidArgumentError,
          code: 'ERR_DATASTORE_INVALID_ARGUMENT',
          message: 'limit',
        });
      }
    });

    it('prunes a prefix of the log and reports the horizon to readers behind it', async () => {
      for (let i = 0; i < 5; i += 1) await appendEvent(ctx.db, { kind: 'node.updated', subject: `n${i}` }, at(i * 10));
      assert.deepEqual(await pruneEvents(ctx.db, at(25)), { deleted: 3, prunedThrough: 3 });
      assert.deepEqual(await pruneEvents(ctx.db, at(25)), { deleted: 0, prunedThrough: 3 });
      const behind = await readEvents(ctx.db, { afterRevision: 1 });
      assert.deepEqual([behind.prunedThrough, behind.events.map((e) => e.revision)], [3, [4, 5]]);
      assert.equal(await latestRevision(ctx.db), 5);
      await pruneEvents(ctx.db, at(100));
      assert.equal(await latestRevision(ctx.db), 5, 'the latest revision survives pruning everything');
      assert.deepEqual(await readEvents(ctx.db, { afterRevision: 0 }), { events: [], prunedThrough: 5 });
    });
  });
}
