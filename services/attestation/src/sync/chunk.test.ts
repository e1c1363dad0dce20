import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sel, testEntry } from '../testing/entries.js';
import type { BundleSnapshot } from './bundle-store.js';
import { chunkContent, estimateEntryBytes } from './chunk.js';

const entries = (n: number, selectorBytes = 10) =>
  Array.from({ length: n }, (_, i) => testEntry(`e-${i}`, `spiffe://example.org/w/${i}`, 'spiffe://example.org/agent', sel(`unix:${'x'.repeat(selectorBytes)}${i}`)));

const bundle: BundleSnapshot = {
  trustDomain: 'example.org',
  x509Authorities: [new Uint8Array(600)],
  jwtAuthorities: [],
  sequenceNumber: 1n,
  refreshHint: 0,
};

describe('chunkContent', () => {
  const cases = [
    { name: '1,200 entries at 500 per message make 3 messages', n: 1200, maxEntries: 500, maxBytes: 1 << 20, sizes: [500, 500, 200] },
    { name: 'exactly 500 entries fit one message', n: 500, maxEntries: 500, maxBytes: 1 << 20, sizes: [500] },
    { name: 'no entries still make one (empty) message', n: 0, maxEntries: 500, maxBytes: 1 << 20, sizes: [0] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const chunks = chunkContent({ upserts: entries(c.n), removals: [], bundles: [], removedBundles: [] }, c);
      assert.deepEqual(
        chunks.map((m) => m.upserts.length),
        c.sizes,
      );
    });
  }

  it('splits by bytes when entries are large, keeping every message under the limit', () => {
    const big = entries(100, 20_000);
    const limit = 64 * 1024;
    const chunks = chunkContent({ upserts: big, removals: [], bundles: [bundle], removedBundles: [] }, { maxEntries: 500, maxBytes: limit });
    assert.ok(chunks.length >= 30, `${chunks.length} chunks`);
    for (const chunk of chunks) {
      const size = chunk.upserts.reduce((sum, e) => sum + estimateEntryBytes(e), 0);
      assert.ok(size <= limit, `chunk of ${size} bytes`);
    }
    assert.equal(chunks.flatMap((c) => c.upserts).length, 100);
    assert.deepEqual(chunks[0]?.bundles, [bundle]);
  });

  it('sends an entry larger than the limit alone', () => {
    const chunks = chunkContent({ upserts: entries(3, 40_000), removals: [], bundles: [], removedBundles: [] }, { maxEntries: 500, maxBytes: 16 * 1024 });
    assert.deepEqual(
      chunks.map((c) => c.upserts.length),
      [1, 1, 1],
    );
  });

  it('counts removals and upserts together against the entry limit, removals first', () => {
    const chunks = chunkContent(
      { upserts: entries(3), removals: ['r1', 'r2', 'r3'], bundles: [], removedBundles: ['other.org'] },
      { maxEntries: 4, maxBytes: 1 << 20 },
    );
    assert.deepEqual(
      chunks.map((c) => [c.removals.length, c.upserts.length]),
      [
        [3, 1],
        [0, 2],
      ],
    );
    assert.deepEqual(chunks[0]?.removedBundles, ['other.org']);
  });

  it('estimates an entry at least as large as its text', () => {
    const e = testEntry('id', 'spiffe://example.org/web', 'spiffe://example.org/agent', sel('k8s:ns:prod', 'k8s:sa:web'));
    const text = e.id.length + e.spiffeId.length + e.parentId.length + 'k8sns:prodk8ssa:web'.length;
    assert.ok(estimateEntryBytes(e) > text);
  });
});
