import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uniqueHints } from './hints.js';

describe('Workload API hints are unique within a response', () => {
  const cases: ReadonlyArray<readonly [string, readonly string[], readonly string[]]> = [
    ['distinct hints are all kept', ['a', 'b', 'c'], ['a', 'b', 'c']],
    ['the first SVID with a hint keeps it; later ones get none', ['internal', 'internal', 'external', 'internal'], ['internal', '', 'external', '']],
    ['SVIDs without a hint stay without one and reserve nothing', ['', 'a', '', 'a'], ['', 'a', '', '']],
    ['an empty response', [], []],
  ];
  for (const [what, given, sent] of cases) {
    it(what, () => {
      const hintOf = uniqueHints();
      assert.deepEqual(given.map(hintOf), sent);
    });
  }
});
