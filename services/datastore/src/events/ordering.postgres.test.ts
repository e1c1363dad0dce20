/**
 * Revisions become visible in commit order: a follower that reads
 * `revision > last` never misses an event that commits later with a smaller
 * revision. Tested with concurrent transactions on a real Postgres server
 * (PGlite has a single connection, so it cannot interleave transactions).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../db/types.js';
import { sleep, waitFor } from '../suite/context.js';
import { checkPostgres, declareUnavailable } from '../suite/postgres-availability.js';
import { openPostgresTestDatabase, resetDatastore, type TestDatabase } from '../testing/test-databases.js';
import { appendEvent } from './append.js';
import { readEvents } from './read.js';

const probe = await checkPostgres();
if (!probe.available) {
  declareUnavailable('change event ordering', probe);
} else {
  describe('change event ordering', () => {
    let test: TestDatabase;
    let db: Db;
    const now = new Date('2030-01-01T00:00:00Z');

    before(async () => {
      test = await openPostgresTestDatabase({ url: probe.url, poolSize: 12 });
      db = test.db;
    });
    after(async () => {
      await test.dispose();
    });

    /** Opens a transaction that runs `step` and then stays open until `release` is called. */
    const holdOpen = (step: (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => Promise<number>) => {
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let revision: number | undefined;
      const done = db.transaction(async (tx) => {
        revision = await step(tx);
        await gate;
        return revision;
      });
      return { done, release, revision: () => revision };
    };

    it('makes a second appender wait until the first appender’s transaction has ended', async () => {
      await resetDatastore(db);
      const first = holdOpen(async (tx) => (await appendEvent(tx, { kind: 'entry.created', subject: 'first' }, now)).revision);
      await waitFor(() => first.revision() !== undefined, 3_000, 'the first append');
      let secondRevision: number | undefined;
      const second = db.transaction(async (tx) => {
        secondRevision = (await appendEvent(tx, { kind: 'entry.created', subject: 'second' }, now)).revision;
      });
      try {
        await sleep(150);
        assert.equal(secondRevision, undefined, 'the second append is blocked while the first transaction is open');
        assert.deepEqual((await readEvents(db, { afterRevision: 0 })).events, []);
      } finally {
        first.release();
        await Promise.all([first.done, second]);
      }
      assert.ok((secondRevision ?? 0) > (first.revision() ?? Infinity));
      assert.deepEqual(
        (await readEvents(db, { afterRevision: 0 })).events.map((e) => e.subject),
        ['first', 'second'],
      );
    });

    it('without the lock, a later revision can become visible before an earlier one (the hazard the lock removes)', async () => {
      await resetDatastore(db);
      const insert = async (tx: { query: Db['query'] }, subject: string): Promise<number> => {
        const { rows } = await tx.query<{ revision: number }>(
          `INSERT INTO change_events (kind, subject, created_at) VALUES ('entry.created', $1, $2) RETURNING revision`,
          [subject, now],
        );
        return rows[0]?.revision ?? -1;
      };
      const first = holdOpen((tx) => insert(tx, 'first'));
      await waitFor(() => first.revision() !== undefined, 3_000, 'the first insert');
      let secondRevision: number;
      let visible: number[];
      try {
        secondRevision = await db.transaction((tx) => insert(tx, 'second'));
        visible = (await readEvents(db, { afterRevision: 0 })).events.map((e) => e.revision);
      } finally {
        first.release();
        await first.done;
      }
      assert.ok(secondRevision > (first.revision() ?? Infinity));
      assert.deepEqual(visible, [secondRevision], 'a follower would advance past the first revision before it commits');
    });

    it('lets a follower reading revision > last see every committed event exactly once under concurrent writers', async () => {
      await resetDatastore(db);
      const writers = 6;
      const perWriter = 30;
      const committed: number[] = [];
      let writing = true;
      const write = async (writer: number): Promise<void> => {
        for (let i = 0; i < perWriter; i += 1) {
          const rollBack = (writer + i) % 7 === 0;
          try {
            const revision = await db.transaction(async (tx) => {
              const event = await appendEvent(tx, { kind: 'entry.updated', subject: `w${writer}-${i}` }, now);
              await sleep(Math.random() * 3);
              if (rollBack) throw new Error('roll back');
              return event.revision;
            });
            committed.push(revision);
          } catch (err) {
            if (!rollBack) throw err;
          }
        }
      };
      const seen: number[] = [];
      const follow = async (): Promise<void> => {
        let last = 0;
        const readOnce = async (): Promise<void> => {
          const { events } = await readEvents(db, { afterRevision: last, limit: 1000 });
          for (const event of events) {
            assert.ok(event.revision > last);
            seen.push(event.revision);
            last = event.revision;
          }
        };
        while (writing) await readOnce();
        await readOnce();
      };
      const following = follow();
      await Promise.all(Array.from({ length: writers }, (_, w) => write(w)));
      writing = false;
      await following;
      assert.deepEqual(
        seen,
        [...committed].sort((a, b) => a - b),
      );
      assert.ok(committed.length > writers * perWriter * 0.8);
    });
  });
}
