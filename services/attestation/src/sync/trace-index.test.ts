import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TraceIndex } from './trace-index.js';

const TP = (n: number) => `00-${String(n).padStart(32, '0')}-${'1'.repeat(16)}-01`;

describe('TraceIndex: the trace contexts of recent change events', () => {
  const cases: Array<{ name: string; payloads: Array<[number, unknown]>; after: number; through: number; expected: string | undefined }> = [
    { name: 'the first traced revision in the range', payloads: [[5, { traceparent: TP(5) }], [6, { traceparent: TP(6) }]], after: 4, through: 6, expected: TP(5) },
    { name: 'nothing before the range', payloads: [[3, { traceparent: TP(3) }]], after: 4, through: 9, expected: undefined },
    { name: 'the upper bound included', payloads: [[9, { traceparent: TP(9) }]], after: 4, through: 9, expected: TP(9) },
    { name: 'a payload without a traceparent is skipped', payloads: [[5, { parentId: 'x' }], [6, { traceparent: TP(6) }]], after: 4, through: 9, expected: TP(6) },
    { name: 'a malformed traceparent is ignored', payloads: [[5, { traceparent: 'not-a-trace' }]], after: 4, through: 9, expected: undefined },
    { name: 'a non-object payload is ignored', payloads: [[5, 'text']], after: 4, through: 9, expected: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const index = new TraceIndex();
      for (const [rev, payload] of c.payloads) index.record(rev, payload);
      assert.equal(index.first(c.after, c.through), c.expected);
    });
  }

  it('forgets the oldest revisions beyond its bound', () => {
    const index = new TraceIndex();
    for (let r = 1; r <= 5_000; r++) index.record(r, { traceparent: TP(r) });
    assert.equal(index.first(0, 100), undefined);
    assert.equal(index.first(4_999, 5_000), TP(5_000));
  });
});
