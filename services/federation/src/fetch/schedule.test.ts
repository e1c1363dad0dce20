import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, refreshIntervalMs } from './schedule.js';

const bounds = { minRefreshMs: 30_000, maxRefreshMs: 3_600_000, defaultRefreshMs: 300_000 };

describe('refreshIntervalMs', () => {
  it('follows the refresh hint within [min, max], and the default without one', () => {
    assert.equal(refreshIntervalMs(120, bounds), 120_000);
    assert.equal(refreshIntervalMs(5, bounds), 30_000, 'bounded below');
    assert.equal(refreshIntervalMs(0, bounds), 30_000, 'a zero hint is bounded too');
    assert.equal(refreshIntervalMs(86_400, bounds), 3_600_000, 'bounded above');
    assert.equal(refreshIntervalMs(undefined, bounds), 300_000, 'five minutes without a hint (Federation §4.1)');
  });
});

describe('backoffMs', () => {
  it('doubles from min_refresh_interval, capped at the refresh interval', () => {
    const delays = [1, 2, 3, 4, 5, 6, 40].map((n) => backoffMs(n, 300_000, bounds, () => 0));
    assert.deepEqual(delays, [30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000]);
  });

  it('takes off up to a quarter as jitter, never below min_refresh_interval', () => {
    assert.equal(backoffMs(3, 300_000, bounds, () => 0.999_999), 90_000);
    assert.equal(backoffMs(1, 300_000, bounds, () => 0.999_999), 30_000, 'the first retry is never sooner than min_refresh_interval');
    for (let i = 0; i < 200; i++) {
      const d = backoffMs(1 + (i % 8), 600_000, bounds);
      assert.ok(d >= 30_000 && d <= 600_000, String(d));
    }
  });
});
