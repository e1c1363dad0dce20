/**
 * Page sizes and page tokens.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { decodePageToken, encodePageToken, mapPage, resolvePageSize, toPage } from './pagination.js';

describe('pagination', () => {
  const sizes: { name: string; input: number | undefined; expected: number | 'error' }[] = [
    { name: 'absent', input: undefined, expected: 100 },
    { name: 'zero', input: 0, expected: 100 },
    { name: 'one', input: 1, expected: 1 },
    { name: 'the maximum', input: 1000, expected: 1000 },
    { name: 'above the maximum', input: 1001, expected: 'error' },
    { name: 'negative', input: -5, expected: 'error' },
    { name: 'fractional', input: 10.5, expected: 'error' },
    { name: 'not a number', input: Number.NaN, expected: 'error' },
  ];
  for (const { name, input, expected } of sizes) {
    it(`resolves a page size that is ${name}`, () => {
      if (expected === 'error') {
        assert.throws(() => resolvePageSize(input), (err) => err instanceof InvalidArgumentError && err.field === 'pageSize');
      } else {
        assert.equal(resolvePageSize(input), expected);
      }
    });
  }

  it('round-trips a token for its own listing only', () => {
    const token = encodePageToken('entries', ['id/with:odd"chars', 'ü']);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodePageToken('entries', token, 2), ['id/with:odd"chars', 'ü']);
    assert.equal(decodePageToken('entries', undefined, 2), undefined);
    assert.equal(decodePageToken('entries', '', 2), undefined);
    assert.throws(() => decodePageToken('nodes', token, 2), InvalidArgumentError);
    assert.throws(() => decodePageToken('entries', token, 1), InvalidArgumentError);
  });

  const garbage = ['%%%', Buffer.from('{"s":"entries","k":[1]}').toString('base64url'), Buffer.from('null').toString('base64url')];
  for (const token of garbage) {
    it(`refuses the malformed token ${JSON.stringify(token)}`, () => {
      assert.throws(() => decodePageToken('entries', token, 1), /pageToken: malformed/);
    });
  }

  it('turns pageSize + 1 rows into a page with a token for the last row kept', () => {
    const page = toPage(['a', 'b', 'c'], 2, 'letters', (x) => [x]);
    assert.deepEqual(page.items, ['a', 'b']);
    assert.deepEqual(decodePageToken('letters', page.nextPageToken, 1), ['b']);
    assert.deepEqual(toPage(['a', 'b'], 2, 'letters', (x) => [x]), { items: ['a', 'b'] });
    assert.deepEqual(mapPage(page, (x) => x.toUpperCase()), { items: ['A', 'B'], nextPageToken: page.nextPageToken });
  });
});
