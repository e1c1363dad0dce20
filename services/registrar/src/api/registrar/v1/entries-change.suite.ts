/**
 * UpdateEntries and DeleteEntries through the service table: masks, full replacement, optimistic
 * concurrency (ABORTED), missing entries (NOT_FOUND), duplicates after an update, and events.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertItemStatus } from '../../../testing/assertions.js';
import type { RegistrarHarness } from '../../../testing/harness.js';
import { entryRequest } from '../../../testing/seed.js';
import type { Entry__Output } from '../../wire.js';

async function create(h: RegistrarHarness, ...entries: ReturnType<typeof entryRequest>[]): Promise<Entry__Output[]> {
  const res = await h.call('CreateEntries', { entries });
  return res.results.map((r) => r.entry as Entry__Output);
}

/** UpdateEntries and DeleteEntries tests. */
export function changeEntriesSuite(h: RegistrarHarness): void {
  describe('UpdateEntries', () => {
    it('sets only the masked fields, bumps the revision and appends entry.updated', async () => {
      const [entry] = await create(h, entryRequest(1, { hint: 'keep me', x509_svid_ttl: 60 }));
      h.clock.advance(5_000);
      const res = await h.call('UpdateEntries', {
        updates: [{ entry: { id: entry?.id, x509_svid_ttl: 120, hint: 'ignored', parent_id: 'spiffe://example.org/spire/agent/join_token/node-2' }, mask: { x509_svid_ttl: true, parent_id: true } }],
      });
      const updated = res.results[0]?.entry;
      assert.equal(res.results[0]?.status?.code, 0, res.results[0]?.status?.message);
      assert.equal(updated?.x509_svid_ttl, 120);
      assert.equal(updated?.hint, 'keep me');
      assert.equal(updated?.parent_id, 'spiffe://example.org/spire/agent/join_token/node-2');
      assert.equal(updated?.revision, '2');
      assert.equal(updated?.updated_at, String(Number(entry?.created_at) + 5));
      const last = (await h.events()).at(-1);
      assert.deepEqual([last?.kind, last?.subject, last?.payload], [
        'entry.updated',
        entry?.id,
        { revision: 2, spiffe_id: entry?.spiffe_id, parent_id: updated?.parent_id, previous_parent_id: entry?.parent_id },
      ]);
      assert.deepEqual(h.audit, { entry_ids: [entry?.id], failed: 0 });
    });

    it('replaces every field when there is no mask', async () => {
      const [entry] = await create(h, entryRequest(1, { hint: 'old', dns_names: ['a.example.org'] }));
      const res = await h.call('UpdateEntries', { updates: [{ entry: { ...entryRequest(7), id: entry?.id } }] });
      const updated = res.results[0]?.entry;
      assert.equal(updated?.spiffe_id, 'spiffe://example.org/workload/7');
      assert.equal(updated?.hint, '');
      assert.deepEqual(updated?.dns_names, []);
      assert.equal((await h.counts())['registration_entry_dns_names'], 0);
    });

    it('applies an update at the expected revision and answers ABORTED at a stale one, changing nothing', async () => {
      const [entry] = await create(h, entryRequest(1));
      const ok = await h.call('UpdateEntries', { updates: [{ entry: { id: entry?.id, revision: '1', hint: 'v2' }, mask: { hint: true } }] });
      assert.equal(ok.results[0]?.entry?.revision, '2');
      const before = await h.counts();
      const stale = await h.call('UpdateEntries', { updates: [{ entry: { id: entry?.id, revision: '1', hint: 'v3' }, mask: { hint: true } }] });
      assertItemStatus(stale.results[0]?.status, { code: 'aborted', field: 'updates[0].entry.revision', message: 'at revision 2, not 1' });
      assert.deepEqual(await h.counts(), before);
      assert.equal((await h.call('GetEntry', { id: entry?.id })).hint, 'v2');
    });

    it('applies the good items of a batch around missing entries and stale revisions, with one event each', async () => {
      const [a, b] = await create(h, entryRequest(1), entryRequest(2));
      const before = await h.counts();
      const res = await h.call('UpdateEntries', {
        updates: [
          { entry: { id: a?.id, hint: 'a2' }, mask: { hint: true } },
          { entry: { id: 'missing', hint: 'x' }, mask: { hint: true } },
          { entry: { id: b?.id, revision: '5', hint: 'stale' }, mask: { hint: true } },
          { entry: { id: b?.id, revision: '1', hint: 'b2' }, mask: { hint: true } },
        ],
      });
      assert.deepEqual(res.results.map((r) => r.status?.code), [0, 5, 10, 0]);
      assert.deepEqual([res.results[0]?.entry?.hint, res.results[3]?.entry?.hint], ['a2', 'b2']);
      const after = await h.counts();
      assert.equal(after['change_events'], (before['change_events'] ?? 0) + 2);
      assert.deepEqual((await h.events()).slice(-2).map((e) => e.subject), [a?.id, b?.id]);
    });

    it('reports each failing item on its own and applies the others', async () => {
      const [a, b] = await create(h, entryRequest(1), entryRequest(2));
      const before = await h.counts();
      const res = await h.call('UpdateEntries', {
        updates: [
          { entry: { id: 'missing', hint: 'x' }, mask: { hint: true } },
          { entry: { id: a?.id, selectors: [] }, mask: { selectors: true } },
          { entry: { id: b?.id, selectors: a?.selectors, spiffe_id: a?.spiffe_id }, mask: { selectors: true, spiffe_id: true } },
          { entry: { id: a?.id }, mask: {} },
          { entry: { hint: 'no id' }, mask: { hint: true } },
          { entry: { id: a?.id, revision: 'two' }, mask: { hint: true } },
          { entry: { id: b?.id, hint: 'fine' }, mask: { hint: true } },
        ],
      });
      assertItemStatus(res.results[0]?.status, { code: 'not_found', field: 'updates[0].entry.id', message: '"missing"' });
      assertItemStatus(res.results[1]?.status, { code: 'invalid_argument', field: 'updates[1].entry.selectors' });
      assertItemStatus(res.results[2]?.status, { code: 'already_exists', field: 'updates[2].entry' });
      assertItemStatus(res.results[3]?.status, { code: 'invalid_argument', field: 'updates[3].mask', message: 'selects no field' });
      assertItemStatus(res.results[4]?.status, { code: 'invalid_argument', field: 'updates[4].entry.id', message: 'is required' });
      assertItemStatus(res.results[5]?.status, { code: 'invalid_argument', field: 'updates[5].entry.revision' });
      assert.equal(res.results[6]?.status?.code, 0);
      const after = await h.counts();
      assert.equal(after['change_events'], (before['change_events'] ?? 0) + 1);
      assert.equal(after['registration_entry_selectors'], before['registration_entry_selectors']);
      assert.equal((await h.call('GetEntry', { id: b?.id })).spiffe_id, b?.spiffe_id);
    });
  });

  describe('DeleteEntries', () => {
    it('deletes entries with their children and appends entry.deleted, reporting missing and repeated ids', async () => {
      const [a, b] = await create(h, entryRequest(1, { dns_names: ['a.example.org'] }), entryRequest(2));
      const res = await h.call('DeleteEntries', { ids: [a?.id ?? '', 'missing', a?.id ?? '', ''] });
      assert.equal(res.results[0]?.status?.code, 0);
      assert.equal(res.results[0]?.entry?.id, a?.id);
      assertItemStatus(res.results[1]?.status, { code: 'not_found', field: 'ids[1]', message: '"missing"' });
      assertItemStatus(res.results[2]?.status, { code: 'invalid_argument', field: 'ids[2]', message: 'repeats ids[0]' });
      assertItemStatus(res.results[3]?.status, { code: 'invalid_argument', field: 'ids[3]' });
      const counts = await h.counts();
      assert.equal(counts['registration_entries'], 1);
      assert.equal(counts['registration_entry_selectors'], 2);
      assert.equal(counts['registration_entry_dns_names'], 0);
      const last = (await h.events()).at(-1);
      assert.deepEqual([last?.kind, last?.subject, last?.payload], ['entry.deleted', a?.id, { revision: 1, spiffe_id: a?.spiffe_id, parent_id: a?.parent_id }]);
      assert.deepEqual(h.audit, { entry_ids: [a?.id], failed: 3 });
      assert.equal((await h.call('GetEntry', { id: b?.id })).id, b?.id);
    });
  });
}
