/**
 * GetEntry and ListEntries through the service table: every filter and match mode, keyset
 * pagination across pages with page tokens, and refused page sizes and tokens.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsWithApiError } from '../../../testing/assertions.js';
import type { RegistrarHarness } from '../../../testing/harness.js';
import { bundleDocuments, entryRequest } from '../../../testing/seed.js';
import type { ListEntriesRequest } from '../../wire.js';

const sel = (text: string): { type: string; value: string } => {
  const [type = '', ...rest] = text.split(':');
  return { type, value: rest.join(':') };
};

/** Four entries with overlapping selector and trust domain sets. */
async function seed(h: RegistrarHarness): Promise<Record<string, string>> {
  for (const td of ['a.example', 'b.example']) {
    await h.call('SetFederatedBundle', { trust_domain: td, format: 'pem', document: bundleDocuments(td).pem });
  }
  const res = await h.call('CreateEntries', {
    entries: [
      entryRequest(1, { id: 'e1', selectors: [sel('k8s:ns:prod')], federates_with: ['a.example'], hint: 'red' }),
      entryRequest(2, { id: 'e2', selectors: [sel('k8s:ns:prod'), sel('k8s:sa:api')], federates_with: ['a.example', 'b.example'] }),
      entryRequest(3, { id: 'e3', selectors: [sel('k8s:sa:api'), sel('unix:uid:0')], parent_id: 'spiffe://example.org/spire/server' }),
      entryRequest(4, { id: 'e4', selectors: [sel('unix:uid:0')], hint: 'red' }),
    ],
  });
  assert.ok(res.results.every((r) => r.status?.code === 0));
  return {};
}

const filters: { name: string; request: ListEntriesRequest; ids: string[] }[] = [
  { name: 'no filter', request: {}, ids: ['e1', 'e2', 'e3', 'e4'] },
  { name: 'spiffe_id', request: { spiffe_id: 'spiffe://example.org/workload/2' }, ids: ['e2'] },
  { name: 'parent_id', request: { parent_id: 'spiffe://example.org/spire/server' }, ids: ['e3'] },
  { name: 'hint', request: { hint: 'red' }, ids: ['e1', 'e4'] },
  { name: 'selectors, exact by default', request: { selectors: [sel('k8s:sa:api'), sel('k8s:ns:prod')] }, ids: ['e2'] },
  { name: 'selectors, exact', request: { selectors: [sel('k8s:ns:prod')], selector_match: 'SELECTOR_MATCH_EXACT' }, ids: ['e1'] },
  { name: 'selectors, subset', request: { selectors: [sel('k8s:ns:prod'), sel('k8s:sa:api')], selector_match: 'SELECTOR_MATCH_SUBSET' }, ids: ['e1', 'e2'] },
  { name: 'selectors, superset', request: { selectors: [sel('k8s:sa:api')], selector_match: 'SELECTOR_MATCH_SUPERSET' }, ids: ['e2', 'e3'] },
  { name: 'selectors, any', request: { selectors: [sel('k8s:ns:prod'), sel('unix:uid:0')], selector_match: 'SELECTOR_MATCH_ANY' }, ids: ['e1', 'e2', 'e3', 'e4'] },
  { name: 'federates_with, exact', request: { federates_with: ['a.example'] }, ids: ['e1'] },
  { name: 'federates_with, subset', request: { federates_with: ['a.example', 'b.example'], federates_with_match: 'SELECTOR_MATCH_SUBSET' }, ids: ['e1', 'e2'] },
  { name: 'federates_with, superset', request: { federates_with: ['b.example'], federates_with_match: 'SELECTOR_MATCH_SUPERSET' }, ids: ['e2'] },
  { name: 'federates_with, any (SPIRE form)', request: { federates_with: ['spiffe://b.example', 'a.example'], federates_with_match: 'SELECTOR_MATCH_ANY' }, ids: ['e1', 'e2'] },
  { name: 'several filters together', request: { hint: 'red', selectors: [sel('unix:uid:0')], selector_match: 'SELECTOR_MATCH_ANY' }, ids: ['e4'] },
];

const refused: { name: string; request: ListEntriesRequest; field: string }[] = [
  { name: 'an invalid spiffe_id filter', request: { spiffe_id: 'spiffe://Example.org/x' }, field: 'spiffe_id' },
  { name: 'a selector without a type', request: { selectors: [{ value: 'x' }] }, field: 'selectors[0].type' },
  { name: 'a match mode without selectors', request: { selector_match: 'SELECTOR_MATCH_ANY' }, field: 'selector_match' },
  { name: 'an unknown match mode', request: { selectors: [sel('a:b')], selector_match: 'SOMETIMES' as never }, field: 'selector_match' },
  { name: 'an invalid federated trust domain', request: { federates_with: ['not a domain'] }, field: 'federates_with[0]' },
  { name: 'a page size above 1000', request: { page: { page_size: 1001 } }, field: 'page.page_size' },
  { name: 'a tampered page token', request: { page: { page_token: 'eyJ4Ijp0cnVlfQ.AAAAAAAAAAAAAAAA' } }, field: 'page.page_token' },
];

/** GetEntry and ListEntries tests. */
export function readEntriesSuite(h: RegistrarHarness): void {
  describe('GetEntry', () => {
    it('shows an entry and audits its id', async () => {
      await seed(h);
      const entry = await h.call('GetEntry', { id: 'e2' });
      assert.equal(entry.spiffe_id, 'spiffe://example.org/workload/2');
      assert.deepEqual(entry.federates_with, ['a.example', 'b.example']);
      assert.deepEqual(h.audit, { entry_id: 'e2' });
    });

    it('answers NOT_FOUND for an unknown id and INVALID_ARGUMENT for none', async () => {
      await rejectsWithApiError(h.call('GetEntry', { id: 'nope' }), { code: 'not_found', field: 'id', message: '"nope"' });
      await rejectsWithApiError(h.call('GetEntry', {}), { code: 'invalid_argument', field: 'id' });
    });
  });

  describe('ListEntries', () => {
    it('filters by every field and match mode', async () => {
      await seed(h);
      for (const f of filters) {
        const res = await h.call('ListEntries', f.request);
        assert.deepEqual(res.entries.map((e) => e.id), f.ids, f.name);
        assert.equal(res.next_page_token, '', f.name);
      }
    });

    for (const r of refused) {
      it(`refuses ${r.name}, naming ${r.field}`, async () => {
        await rejectsWithApiError(h.call('ListEntries', r.request), { code: 'invalid_argument', field: r.field });
      });
    }

    it('pages through 250 entries with page tokens, in id order, without gaps or repeats', async () => {
      const entries = Array.from({ length: 250 }, (_, i) => entryRequest(i, { id: `id-${String(i).padStart(3, '0')}` }));
      await h.call('CreateEntries', { entries });
      const seen: string[] = [];
      let token = '';
      let pages = 0;
      do {
        const res = await h.call('ListEntries', { page: { page_size: 100, page_token: token } });
        seen.push(...res.entries.map((e) => e.id));
        token = res.next_page_token;
        pages += 1;
      } while (token !== '');
      assert.equal(pages, 3);
      assert.deepEqual(seen, entries.map((e) => e.id));
      const defaultPage = await h.call('ListEntries', {});
      assert.equal(defaultPage.entries.length, 100);
    });

    it('refuses a page token used with other filters', async () => {
      await h.call('CreateEntries', { entries: Array.from({ length: 3 }, (_, i) => entryRequest(i)) });
      const first = await h.call('ListEntries', { page: { page_size: 1 } });
      assert.notEqual(first.next_page_token, '');
      await rejectsWithApiError(h.call('ListEntries', { hint: 'x', page: { page_size: 1, page_token: first.next_page_token } }), {
        code: 'invalid_argument',
        field: 'page.page_token',
        message: 'different filters',
      });
    });
  });
}
