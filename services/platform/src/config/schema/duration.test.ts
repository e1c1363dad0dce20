import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  const cases: [string, number | undefined][] = [
    ['90s', 90_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5s', 1_500],
    ['2d', 172_800_000],
    ['1m30s500ms', 90_500],
    ['0s', 0],
    [' 5m ', 300_000],
    ['12', undefined],
    ['', undefined],
    ['1 h', undefined],
    ['-5s', undefined],
    ['5sec', undefined],
    ['1w', undefined],
    ['s', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${expected === undefined ? 'not a duration' : `${expected} ms`}`, () => {
      assert.equal(parseDuration(text), expected);
    });
  }
});

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [250, '250ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [90_061_001, '1d1h1m1s1ms'],
  ];
  for (const [ms, text] of cases) {
    it(`writes ${ms} ms as ${text} and reads it back`, () => {
      assert.equal(formatDuration(ms), text);
      assert.equal(parseDuration(text), ms);
    });
  }

  it('rejects negative durations', () => assert.throws(() => formatDuration(-1), RangeError));
});
