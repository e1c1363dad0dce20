import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsApiError } from '../testing/assertions.js';
import { int64, int64OrNaN, readInt64, unixSeconds } from './int64.js';

describe('int64 fields', () => {
  const readable: [unknown, number][] = [
    [undefined, 0],
    [null, 0],
    ['', 0],
    ['42', 42],
    [' 42 ', 42],
    ['-7', -7],
    [1_700_000_000, 1_700_000_000],
    [{ toString: () => '99' }, 99],
  ];
  for (const [value, expected] of readable) {
    it(`reads ${JSON.stringify(value) ?? String(value)} as ${expected}`, () => {
      assert.equal(readInt64(value as never, 'f'), expected);
    });
  }
  for (const value of ['1.5', 'abc', '9007199254740993', 1.5, Number.MAX_SAFE_INTEGER + 2]) {
    it(`refuses ${String(value)}, naming the field`, () => {
      throwsApiError(() => readInt64(value, 'entries[0].expires_at'), { code: 'invalid_argument', field: 'entries[0].expires_at' });
      assert.ok(Number.isNaN(int64OrNaN(value)));
    });
  }
  it('writes decimal strings and Unix seconds', () => {
    assert.equal(int64(12), '12');
    assert.equal(unixSeconds(null), '0');
    assert.equal(unixSeconds(new Date('2030-01-01T00:00:00.999Z')), '1893456000');
  });
});
