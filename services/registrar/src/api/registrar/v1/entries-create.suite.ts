/**
 * CreateEntries through the service table: items succeed or fail on their own, a failed item
 * writes nothing (rows and events counted), duplicates are ALREADY_EXISTS with the existing
 * entry, and every created entry has its event.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertItemStatus, type ExpectedApiError } from '../../../testing/assertions.js';
import type { RegistrarHarness } from '../../../testing/harness.js';
import { bundleDocuments, entryRequest } from '../../../testing/seed.js';
import type { Entry } from '../../wire.js';

const badItems: { name: string; entry: Entry; expected: ExpectedApiError }[] = [
  { name: 'an invalid SPIFFE ID', entry: entryRequest(1, { spiffe_id: 'spiffe://example.org/a//b' }), expected: { code: 'invalid_argument', field: 'entries[1].spiffe_id' } },
  { name: 'a SPIFFE ID of another trust domain', entry: entryRequest(1, { spiffe_id: 'spiffe://evil.org/a' }), expected: { code: 'invalid_argument', field: 'entries[1].spiffe_id' } },
  { name: 'a reserved SPIFFE ID', entry: entryRequest(1, { spiffe_id: 'spiffe://example.org/spire/agent/join_token/x' }), expected: { code: 'invalid_argument', field: 'entries[1].spiffe_id', message: 'reserved' } },
  { name: 'a parent of another trust domain', entry: entryRequest(1, { parent_id: 'spiffe://evil.org/spire/agent/x' }), expected: { code: 'invalid_argument', field: 'entries[1].parent_id' } },
  { name: 'no selectors', entry: entryRequest(1, { selectors: [] }), expected: { code: 'invalid_argument', field: 'entries[1].selectors' } },
  { name: 'a selector type with a colon', entry: entryRequest(1, { selectors: [{ type: 'a:b', value: 'c' }] }), expected: { code: 'invalid_argument', field: 'entries[1].selectors[0].type' } },
  { name: 'a selector without a value', entry: entryRequest(1, { selectors: [{ type: 'unix' }] }), expected: { code: 'invalid_argument', field: 'entries[1].selectors[0].value' } },
  { name: 'duplicate selectors', entry: entryRequest(1, { selectors: [{ type: 'a', value: 'b' }, { type: 'a', value: 'b' }] }), expected: { code: 'invalid_argument', field: 'entries[1].selectors[1]' } },
  { name: 'a bad DNS name', entry: entryRequest(1, { dns_names: ['a..b'] }), expected: { code: 'invalid_argument', field: 'entries[1].dns_names[0]' } },
  { name: 'an unknown federated trust domain', entry: entryRequest(1, { federates_with: ['nowhere.example'] }), expected: { code: 'invalid_argument', field: 'entries[1].federates_with[0]', message: 'unknown' } },
  { name: 'an X.509 TTL above 2 weeks', entry: entryRequest(1, { x509_svid_ttl: 1_209_601 }), expected: { code: 'invalid_argument', field: 'entries[1].x509_svid_ttl' } },
  { name: 'a JWT TTL above 24 hours', entry: entryRequest(1, { jwt_svid_ttl: 86_401 }), expected: { code: 'invalid_argument', field: 'entries[1].jwt_svid_ttl' } },
  { name: 'a hint over 1024 characters', entry: entryRequest(1, { hint: 'x'.repeat(1025) }), expected: { code: 'invalid_argument', field: 'entries[1].hint' } },
  { name: 'an expiry in the past', entry: entryRequest(1, { expires_at: '1893455999' }), expected: { code: 'invalid_argument', field: 'entries[1].expires_at', message: 'in the past' } },
  { name: 'an expiry that is not a number', entry: entryRequest(1, { expires_at: 'soon' }), expected: { code: 'invalid_argument', field: 'entries[1].expires_at' } },
];

/** CreateEntries tests. */
export function createEntriesSuite(h: RegistrarHarness): void {
  describe('CreateEntries', () => {
    it('creates entries with every field, an event each, and audits their ids', async () => {
      const { pem } = bundleDocuments('partner.example');
      await h.call('SetFederatedBundle', { trust_domain: 'partner.example', format: 'pem', document: pem });
      const before = (await h.events()).length;
      const res = await h.call('CreateEntries', {
        entries: [
          entryRequest(1, {
            id: 'chosen-id',
            x509_svid_ttl: 3600,
            jwt_svid_ttl: 300,
            dns_names: ['api.example.org'],
            federates_with: ['partner.example'],
            admin: true,
            downstream: true,
            hint: 'blue',
            expires_at: '1893459600',
          }),
          entryRequest(2),
        ],
      });
      assert.equal(res.results.length, 2);
      const [first, second] = res.results;
      assert.equal(first?.status?.code, 0);
      assert.equal(second?.status?.code, 0);
      assert.deepEqual({ ...first?.entry, selectors: first?.entry?.selectors }, {
        id: 'chosen-id',
        spiffe_id: 'spiffe://example.org/workload/1',
        parent_id: 'spiffe://example.org/spire/agent/join_token/node-1',
        selectors: [
          { type: 'k8s', value: 'ns:prod' },
          { type: 'unix', value: 'uid:1001' },
        ],
        x509_svid_ttl: 3600,
        jwt_svid_ttl: 300,
        dns_names: ['api.example.org'],
        federates_with: ['partner.example'],
        admin: true,
        downstream: true,
        hint: 'blue',
        expires_at: '1893459600',
        revision: '1',
        created_at: '1893456000',
        updated_at: '1893456000',
      });
      assert.match(second?.entry?.id ?? '', /^[0-9a-f-]{36}$/);
      const events = (await h.events()).slice(before);
      assert.deepEqual(
        events.map((e) => [e.kind, e.subject, e.payload]),
        [first, second].map((r) => ['entry.created', r?.entry?.id, { revision: 1, spiffe_id: r?.entry?.spiffe_id, parent_id: r?.entry?.parent_id }]),
      );
      assert.deepEqual(h.audit, { entry_ids: ['chosen-id', second?.entry?.id], failed: 0 });
    });

    for (const c of badItems) {
      it(`refuses an item with ${c.name}, applies the others, and writes nothing for it`, async () => {
        const before = await h.counts();
        const res = await h.call('CreateEntries', { entries: [entryRequest(0), c.entry, entryRequest(2)] });
        assert.equal(res.results[0]?.status?.code, 0);
        assertItemStatus(res.results[1]?.status, c.expected);
        assert.equal(res.results[1]?.entry, null);
        assert.equal(res.results[2]?.status?.code, 0);
        const after = await h.counts();
        assert.equal(after['registration_entries'], (before['registration_entries'] ?? 0) + 2);
        assert.equal(after['registration_entry_selectors'], (before['registration_entry_selectors'] ?? 0) + 4);
        assert.equal(after['change_events'], (before['change_events'] ?? 0) + 2);
        assert.equal(after['registration_entry_dns_names'], before['registration_entry_dns_names']);
        assert.equal(after['registration_entry_federates_with'], before['registration_entry_federates_with']);
      });
    }

    it('answers ALREADY_EXISTS with the stored entry for a duplicate, and still creates the rest', async () => {
      const [stored] = (await h.call('CreateEntries', { entries: [entryRequest(1)] })).results;
      const before = await h.counts();
      const reordered = entryRequest(1, { selectors: [...(entryRequest(1).selectors ?? [])].reverse(), hint: 'other fields do not matter' });
      const res = await h.call('CreateEntries', { entries: [entryRequest(5), reordered, entryRequest(6)] });
      assert.deepEqual(res.results.map((r) => r.status?.code), [0, 6, 0]);
      assertItemStatus(res.results[1]?.status, { code: 'already_exists', field: 'entries[1]', message: 'same spiffe_id, parent_id and selectors' });
      assert.equal(res.results[1]?.entry?.id, stored?.entry?.id);
      const after = await h.counts();
      assert.equal(after['registration_entries'], (before['registration_entries'] ?? 0) + 2);
      assert.equal(after['change_events'], (before['change_events'] ?? 0) + 2);
    });

    it('answers ALREADY_EXISTS for a duplicate inside one request and for a taken id', async () => {
      await h.call('CreateEntries', { entries: [entryRequest(1, { id: 'taken' })] });
      const res = await h.call('CreateEntries', {
        entries: [entryRequest(2), entryRequest(2), entryRequest(3, { id: 'taken' }), entryRequest(4, { id: 'mine' }), entryRequest(5, { id: 'mine' })],
      });
      assert.equal(res.results[0]?.status?.code, 0);
      assertItemStatus(res.results[1]?.status, { code: 'already_exists', field: 'entries[1]', message: 'repeats entries[0]' });
      assertItemStatus(res.results[2]?.status, { code: 'already_exists', field: 'entries[2].id', message: '"taken"' });
      assert.equal(res.results[3]?.status?.code, 0);
      assertItemStatus(res.results[4]?.status, { code: 'already_exists', field: 'entries[4].id' });
      assert.equal((await h.counts())['registration_entries'], 3);
    });

    it('refuses a request with more items than the batch limit, writing nothing', async () => {
      const before = await h.counts();
      const entries = Array.from({ length: 1001 }, (_, i) => entryRequest(i));
      await assert.rejects(h.call('CreateEntries', { entries }), (err: Error & { field?: string }) => err.field === 'entries' && /at most 1000/.test(err.message));
      assert.deepEqual(await h.counts(), before);
    });

    it('creates 1000 entries in one request', async () => {
      const res = await h.call('CreateEntries', { entries: Array.from({ length: 1000 }, (_, i) => entryRequest(i)) });
      assert.ok(res.results.every((r) => r.status?.code === 0));
      const counts = await h.counts();
      assert.equal(counts['registration_entries'], 1000);
      assert.equal(counts['change_events'], 1000);
    });
  });
}
