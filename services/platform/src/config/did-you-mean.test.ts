import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, suggest } from './did-you-mean.js';

describe('editDistance', () => {
  const cases: [string, string, number][] = [
    ['', '', 0],
    ['abc', 'abc', 0],
    ['lvel', 'level', 1],
    ['port', 'prot', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ];
  for (const [a, b, d] of cases) {
    it(`is ${d} between "${a}" and "${b}"`, () => assert.equal(editDistance(a, b), d));
  }
});

describe('suggest', () => {
  const keys = ['url', 'pool_size', 'statement_timeout', 'level', 'format'];
  const cases: [string, string | undefined][] = [
    ['pool_sise', 'pool_size'],
    ['statment_timeout', 'statement_timeout'],
    ['Pool-Size', 'pool_size'],
    ['levle', 'level'],
    ['fromat', 'format'],
    ['uri', 'url'],
    ['x', undefined],
    ['completely_else', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${expected === undefined ? 'suggests nothing' : `suggests "${expected}"`} for "${input}"`, () => {
      assert.equal(suggest(input, keys), expected);
    });
  }
});
