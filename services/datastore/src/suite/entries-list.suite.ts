/**
 * Registration entries: filtered listings (selectors and trust domains by
 * exact / subset / superset / match_any), keyset pagination and lookups.
 * @module
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { listNodes } from '../attestation/nodes.js';
import { batchCreateEntries, createEntry } from '../registrar/entries-create.js';
import {
  countEntries,
  type EntryFilter,
  getEntries,
  listEntries,
  listEntriesByParentIds,
} from '../registrar/entries-read.js';
import type { RegistrationEntry } from '../registrar/entry.js';
import { at, entryInput, rejectsWith, type SuiteContext } from './context.js';

const A = 'spiffe://example.org/agent/a';
const B = 'spiffe://example.org/agent/b';
const nsA = { type: 'k8s', value: 'ns:a' };
const nsB = { type: 'k8s', value: 'ns:b' };
const saX = { type: 'k8s', value: 'sa:x' };
const uid1 = { type: 'unix', value: 'uid:1' };

const fixture = [
  { id: 'e1', spiffeId: 'spiffe://example.org/one', parentId: A, selectors: [nsA, saX], federatesWith: ['td1.example'], hint: 'h1' },
  { id: 'e2', spiffeId: 'spiffe://example.org/two', parentId: A, selectors: [nsA], federatesWith: ['td1.example', 'td2.example'] },
  { id: 'e3', spiffeId: 'spiffe://example.org/three', parentId: B, selectors: [nsB, uid1] },
  { id: 'e4', spiffeId: 'spiffe://example.org/one', parentId: B, selectors: [nsA, saX, uid1], hint: 'h1' },
];

const filters: { name: string; filter: EntryFilter; ids: string[] }[] = [
  { name: 'no filter', filter: {}, ids: ['e1', 'e2', 'e3', 'e4'] },
  { name: 'by SPIFFE ID', filter: { spiffeId: 'spiffe://example.org/one' }, ids: ['e1', 'e4'] },
  { name: 'by parent', filter: { parentId: A }, ids: ['e1', 'e2'] },
  { name: 'by hint', filter: { hint: 'h1' }, ids: ['e1', 'e4'] },
  { name: 'selectors exact', filter: { selectors: { selectors: [saX, nsA], match: 'exact' } }, ids: ['e1'] },
  { name: 'selectors subset (what a workload may get)', filter: { selectors: { selectors: [nsA, saX], match: 'subset' } }, ids: ['e1', 'e2'] },
  { name: 'selectors superset', filter: { selectors: { selectors: [nsA, saX], match: 'superset' } }, ids: ['e1', 'e4'] },
  { name: 'selectors match_any', filter: { selectors: { selectors: [nsB, saX], match: 'match_any' } }, ids: ['e1', 'e3', 'e4'] },
  { name: 'selectors matching nothing', filter: { selectors: { selectors: [{ type: 'x', value: 'y' }], match: 'match_any' } }, ids: [] },
  { name: 'trust domains exact', filter: { federatesWith: { trustDomains: ['td1.example'], match: 'exact' } }, ids: ['e1'] },
  { name: 'trust domains subset', filter: { federatesWith: { trustDomains: ['td1.example', 'td2.example'], match: 'subset' } }, ids: ['e1', 'e2'] },
  { name: 'trust domains superset', filter: { federatesWith: { trustDomains: ['td1.example'], match: 'superset' } }, ids: ['e1', 'e2'] },
  { name: 'trust domains match_any', filter: { federatesWith: { trustDomains: ['td2.example'], match: 'match_any' } }, ids: ['e2'] },
  {
    name: 'parent and selectors together',
    filter: { parentId: B, selectors: { selectors: [uid1], match: 'superset' } },
    ids: ['e3', 'e4'],
  },
];

/** Registers the entry listing, filter and pagination tests. */
export function entriesListSuite(ctx: SuiteContext): void {
  describe('registration entries: reads', () => {
    describe('filters', () => {
      beforeEach(async () => {
        await batchCreateEntries(ctx.db, fixture, at(0));
      });

      for (const { name, filter, ids } of filters) {
        it(`lists ${name}`, async () => {
          const page = await listEntries(ctx.db, filter);
          assert.deepEqual(
            page.items.map((e) => e.id),
            ids,
          );
          assert.equal(page.nextPageToken, undefined);
          assert.equal(await countEntries(ctx.db, filter), ids.length);
        });
      }

      it('lists the entries of several parents', async () => {
        assert.deepEqual(
          (await listEntriesByParentIds(ctx.db, [A, B])).map((e) => e.id),
          ['e1', 'e2', 'e3', 'e4'],
        );
        assert.deepEqual(
          (await listEntriesByParentIds(ctx.db, [B, 'spiffe://example.org/nobody'])).map((e) => e.id),
          ['e3', 'e4'],
        );
        assert.deepEqual(await listEntriesByParentIds(ctx.db, []), []);
      });

      it('gets several entries by id, skipping unknown ids', async () => {
        const entries = await getEntries(ctx.db, ['e3', 'missing', 'e1']);
        assert.deepEqual(
          entries.map((e) => [e.id, e.federatesWith, e.hint]),
          [
            ['e1', ['td1.example'], 'h1'],
            ['e3', [], null],
          ],
        );
      });

      it('refuses an unknown match mode or an empty set', async () => {
        await rejectsWith(listEntries(ctx.db, { selectors: { selectors: [nsA], match: 'most' as 'exact' } }), {
          type: InvalidArgumentError,
          code: 'ERR_DATASTORE_INVALID_ARGUMENT',
          message: 'filter.selectors.match',
        });
        await rejectsWith(listEntries(ctx.db, { selectors: { selectors: [], match: 'subset' } }), {
          type: InvalidArgumentError,
          code: 'ERR_DATASTORE_INVALID_ARGUMENT',
          message: 'filter.selectors.selectors',
        });
        await rejectsWith(listEntries(ctx.db, { federatesWith: { trustDomains: [], match: 'exact' } }), {
          type: InvalidArgumentError,
          code: 'ERR_DATASTORE_INVALID_ARGUMENT',
          message: 'filter.federatesWith.trustDomains',
        });
      });
    });

    describe('pagination', () => {
      const collect = async (filter: EntryFilter, pageSize: number): Promise<{ pages: number; ids: string[] }> => {
        const ids: string[] = [];
        let pages = 0;
        let pageToken: string | undefined;
        do {
          const page = await listEntries(ctx.db, filter, { pageSize, pageToken });
          pages += 1;
          assert.ok(page.items.length <= pageSize);
          ids.push(...page.items.map((e) => e.id));
          pageToken = page.nextPageToken;
        } while (pageToken !== undefined);
        return { pages, ids };
      };

      it('walks every entry exactly once, in id order, page by page', async () => {
        const created = await batchCreateEntries(ctx.db, Array.from({ length: 25 }, (_, n) => entryInput(n)), at(0));
        const expected = created.map((e) => e.id).sort();
        assert.deepEqual(await collect({}, 10), { pages: 3, ids: expected });
        assert.deepEqual(await collect({}, 25), { pages: 1, ids: expected });
      });

      it('paginates a filtered listing', async () => {
        await batchCreateEntries(
          ctx.db,
          Array.from({ length: 12 }, (_, n) => entryInput(n, { parentId: n % 3 === 0 ? A : B })),
          at(0),
        );
        const { ids } = await collect({ parentId: A }, 2);
        assert.equal(ids.length, 4);
      });

      it('neither repeats nor skips rows when entries are added between pages', async () => {
        const created = await batchCreateEntries(
          ctx.db,
          ['b', 'd', 'f', 'h'].map((id, n) => entryInput(n, { id })),
          at(0),
        );
        const first = await listEntries(ctx.db, {}, { pageSize: 2 });
        await createEntry(ctx.db, entryInput(10, { id: 'a' }), at(1));
        await createEntry(ctx.db, entryInput(11, { id: 'e' }), at(1));
        const second = await listEntries(ctx.db, {}, { pageSize: 2, pageToken: first.nextPageToken });
        const third = await listEntries(ctx.db, {}, { pageSize: 2, pageToken: second.nextPageToken });
        assert.deepEqual(
          [...first.items, ...second.items, ...third.items].map((e: RegistrationEntry) => e.id),
          ['b', 'd', 'e', 'f', 'h'],
        );
        assert.equal(created.length, 4);
      });

      it('uses 100 entries per page by default', async () => {
        await batchCreateEntries(ctx.db, Array.from({ length: 101 }, (_, n) => entryInput(n)), at(0));
        const page = await listEntries(ctx.db);
        assert.equal(page.items.length, 100);
        assert.ok(page.nextPageToken !== undefined);
      });

      const badPageSizes = [
        { name: 'above the maximum', pageSize: 1001 },
        { name: 'negative', pageSize: -1 },
        { name: 'fractional', pageSize: 2.5 },
      ];
      for (const { name, pageSize } of badPageSizes) {
        it(`refuses a page size ${name}, naming the field and the limit`, async () => {
          await rejectsWith(listEntries(ctx.db, {}, { pageSize }), {
            type: InvalidArgumentError,
            code: 'ERR_DATASTORE_INVALID_ARGUMENT',
            message: 'pageSize: must be an integer from 1 to 1000',
          });
        });
      }

      it('refuses a tampered page token, or one from a different listing', async () => {
        await batchCreateEntries(ctx.db, Array.from({ length: 3 }, (_, n) => entryInput(n)), at(0));
        const { nextPageToken } = await listEntries(ctx.db, {}, { pageSize: 1 });
        assert.ok(nextPageToken !== undefined);
        const pageTokenError = { type: InvalidArgumentError, code: 'ERR_DATASTORE_INVALID_ARGUMENT', message: 'pageToken' } as const;
        await rejectsWith(listEntries(ctx.db, {}, { pageToken: `${nextPageToken}x!` }), pageTokenError);
        await rejectsWith(listEntries(ctx.db, {}, { pageToken: 'bm90IGpzb24' }), pageTokenError);
        await rejectsWith(listNodes(ctx.db, {}, { pageToken: nextPageToken }), pageTokenError);
      });
    });
  });
}
