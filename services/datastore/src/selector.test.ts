/**
 * Canonical selector sets: order, duplicates and the identity hash.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from './errors.js';
import { compareUtf8 } from './internal/utf8.js';
import { checkSetMatch, normalizeSelectors, selectorsHash } from './selector.js';

describe('selectors', () => {
  it('sorts by type, then value, in byte order', () => {
    const sorted = normalizeSelectors(
      [
        { type: 'unix', value: 'uid:1' },
        { type: 'k8s', value: 'sa:b' },
        { type: 'k8s', value: 'ns:a' },
      ],
      'selectors',
    );
    assert.deepEqual(sorted, [
      { type: 'k8s', value: 'ns:a' },
      { type: 'k8s', value: 'sa:b' },
      { type: 'unix', value: 'uid:1' },
    ]);
  });

  it('compares strings as UTF-8 bytes, like COLLATE "C" (not UTF-16 code units)', () => {
    const astral = '\u{1F600}';
    const highBmp = '\uFF5E';
    assert.ok(highBmp > astral, 'UTF-16 puts the astral character first');
    assert.ok(compareUtf8(highBmp, astral) < 0, 'UTF-8 byte order puts it last');
  });

  it('refuses duplicates and non-string parts, naming the field', () => {
    assert.throws(
      () => normalizeSelectors([{ type: 'a', value: '1' }, { type: 'a', value: '1' }], 'entry.selectors'),
      (err) => err instanceof InvalidArgumentError && err.message === 'entry.selectors: duplicate selector a:1',
    );
    assert.throws(() => normalizeSelectors([{ type: 'a', value: 1 as unknown as string }], 'x'), InvalidArgumentError);
  });

  it('hashes equal sets equally, whatever the order, and different sets differently', () => {
    const a = { type: 'k8s', value: 'ns:a' };
    const b = { type: 'k8s', value: 'sa:b' };
    assert.equal(selectorsHash([a, b]), selectorsHash([b, a]));
    assert.match(selectorsHash([a]), /^[0-9a-f]{64}$/);
    assert.notEqual(selectorsHash([a]), selectorsHash([a, b]));
    assert.notEqual(
      selectorsHash([{ type: 'k8s', value: 'a:b' }]),
      selectorsHash([{ type: 'k8s:a', value: 'b' }]),
      'the type/value boundary is part of the hash',
    );
  });

  it('accepts only the four match modes', () => {
    assert.equal(checkSetMatch('match_any', 'm'), 'match_any');
    assert.throws(() => checkSetMatch('any', 'filter.match'), /filter.match: must be one of exact, subset, superset, match_any/);
  });
});
