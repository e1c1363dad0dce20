/**
 * Following the change log on one engine: catch-up then live delivery,
 * exactly once and in order, handler failures, pruning gaps, close.
 * (Cross-replica delivery and reconnects are tested on Postgres only.)
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventsPrunedError } from '../errors.js';
import { appendEvent } from '../events/append.js';
import type { ChangeEvent } from '../events/event.js';
import { pruneEvents } from '../events/read.js';
import { type EventSubscription, subscribeEvents } from '../events/subscribe.js';
import { at, type SuiteContext, sleep, waitFor } from './context.js';

/** Registers the single-engine event subscription tests. */
export function subscriptionSuite(ctx: SuiteContext): void {
  describe('event subscription', () => {
    const append = (subject: string) => appendEvent(ctx.db, { kind: 'entry.updated', subject }, at(0));
    const follow = async (
      fromRevision: number,
      options: { batchSize?: number; onEvent?: (e: ChangeEvent, sub: () => EventSubscription) => Promise<void> | void } = {},
    ) => {
      const received: ChangeEvent[] = [];
      const errors: unknown[] = [];
      let subscription: EventSubscription | undefined;
      subscription = await subscribeEvents(ctx.db, {
        fromRevision,
        batchSize: options.batchSize,
        pollIntervalMs: 0,
        onEvent: async (event) => {
          received.push(event);
          await options.onEvent?.(event, () => subscription as EventSubscription);
        },
        onError: (err) => errors.push(err),
      });
      return { received, errors, subscription };
    };

    it('catches up from the given revision, then delivers new events live, once each and in order', async () => {
      for (const s of ['a', 'b', 'c']) await append(s);
      const { received, errors, subscription } = await follow(1);
      try {
        await waitFor(() => received.length === 2, 3_000, 'catch-up');
        for (const s of ['d', 'e']) await append(s);
        await ctx.db.transaction(async (tx) => {
          await appendEvent(tx, { kind: 'entry.updated', subject: 'f' }, at(0));
          await appendEvent(tx, { kind: 'entry.updated', subject: 'g' }, at(0));
        });
        await waitFor(() => received.length === 6, 3_000, 'live events');
        await sleep(50);
        assert.deepEqual(
          received.map((e) => [e.revision, e.subject]),
          [
            [2, 'b'],
            [3, 'c'],
            [4, 'd'],
            [5, 'e'],
            [6, 'f'],
            [7, 'g'],
          ],
        );
        assert.deepEqual(errors, []);
        assert.equal(subscription.lastRevision, 7);
      } finally {
        await subscription.close();
      }
    });

    it('reads a long backlog in batches without losing order', async () => {
      for (let i = 0; i < 11; i += 1) await append(`s${i}`);
      const { received, subscription } = await follow(0, { batchSize: 3 });
      try {
        await waitFor(() => received.length === 11, 3_000, 'backlog');
        assert.deepEqual(
          received.map((e) => e.revision),
          Array.from({ length: 11 }, (_, i) => i + 1),
        );
      } finally {
        await subscription.close();
      }
    });

    it('reports a failing handler and keeps delivering', async () => {
      const failure = new Error('handler failed');
      const { received, errors, subscription } = await follow(0, {
        onEvent: (event) => {
          if (event.subject === 'bad') throw failure;
        },
      });
      try {
        await append('bad');
        await append('good');
        await waitFor(() => received.length === 2, 3_000, 'both events');
        assert.deepEqual(errors, [failure]);
        assert.equal(subscription.lastRevision, 2);
      } finally {
        await subscription.close();
      }
    });

    it('reports events pruned before they were read, then continues after the horizon', async () => {
      for (const s of ['a', 'b', 'c', 'd']) await appendEvent(ctx.db, { kind: 'entry.updated', subject: s }, at(s === 'd' ? 100 : 0));
      await pruneEvents(ctx.db, at(50));
      const { received, errors, subscription } = await follow(1);
      try {
        await waitFor(() => received.length === 1, 3_000, 'the surviving event');
        assert.equal(received[0]?.subject, 'd');
        assert.equal(errors.length, 1);
        const gap = errors[0];
        assert.ok(gap instanceof EventsPrunedError);
        assert.deepEqual([gap.afterRevision, gap.prunedThrough, gap.code], [1, 3, 'ERR_DATASTORE_EVENTS_PRUNED']);
      } finally {
        await subscription.close();
      }
    });

    it('delivers nothing after close, and can be closed from inside its own handler', async () => {
      const { received, subscription } = await follow(0, {
        onEvent: async (_event, sub) => {
          await sub().close();
        },
      });
      await append('first');
      await waitFor(() => received.length === 1, 3_000, 'the first event');
      await append('second');
      await sleep(80);
      assert.deepEqual(
        received.map((e) => e.subject),
        ['first'],
      );
      await subscription.close();
    });

    it('refuses a negative starting revision', async () => {
      await assert.rejects(subscribeEvents(ctx.db, { fromRevision: -1, onEvent: () => undefined, onError: () => undefined }), TypeError);
    });
  });
}
