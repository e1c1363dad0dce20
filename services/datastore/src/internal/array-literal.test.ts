import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bigintArrayLiteral, textArrayLiteral } from './array-literal.js';

describe('PostgreSQL array literals', () => {
  const textCases: ReadonlyArray<{ name: string; values: readonly (string | null)[]; literal: string }> = [
    { name: 'no elements', values: [], literal: '{}' },
    { name: 'plain values are quoted', values: ['a', 'spiffe://example.org/x'], literal: '{"a","spiffe://example.org/x"}' },
    { name: 'null is SQL NULL, the text "NULL" is quoted', values: [null, 'NULL'], literal: '{NULL,"NULL"}' },
    { name: 'quotes and backslashes are escaped', values: ['a"b', 'c\\d'], literal: '{"a\\"b","c\\\\d"}' },
    { name: 'braces, commas, spaces and empty text stay inside quotes', values: ['{x,y}', ' s ', ''], literal: '{"{x,y}"," s ",""}' },
  ];
  for (const { name, values, literal } of textCases) {
    it(`text[]: ${name}`, () => assert.equal(textArrayLiteral(values), literal));
  }

  it('bigint[]: writes safe integers and refuses anything else, naming the field', () => {
    assert.equal(bigintArrayLiteral([0, -1, 1763942400123], 'issuedAt'), '{0,-1,1763942400123}');
    for (const bad of [Number.NaN, 1.5, 2 ** 53, Infinity]) {
      assert.throws(() => bigintArrayLiteral([1, bad], 'issuedAt'), { name: 'RangeError', message: new RegExp(`^issuedAt: ${String(bad)} is not a safe integer$`) });
    }
  });
});
