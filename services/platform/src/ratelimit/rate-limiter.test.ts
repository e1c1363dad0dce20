import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../testing/fake-clock.js';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  test('a new key starts with a full bucket and spends it, then must wait for refills', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 3, clock });
    assert.deepEqual(limiter.take('a'), { ok: true, remaining: 2 });
    assert.deepEqual(limiter.take('a', 2), { ok: true, remaining: 0 });
    assert.deepEqual(limiter.take('a'), { ok: false, retryAfterMs: 100 });
    clock.advance(99);
    assert.equal(limiter.take('a').ok, false);
    clock.advance(1);
    assert.equal(limiter.take('a').ok, true);
  });

  test('a refused take spends nothing, and the retry delay covers the whole request', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 4, burst: 4, clock });
    limiter.take('a', 4);
    clock.advance(250);
    assert.deepEqual(limiter.take('a', 3), { ok: false, retryAfterMs: 500 });
    clock.advance(500);
    assert.deepEqual(limiter.take('a', 3), { ok: true, remaining: 0 });
  });

  test('keys have their own buckets', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, clock: new FakeClock() });
    assert.equal(limiter.take('spiffe://example.org/agent/a').ok, true);
    assert.equal(limiter.take('spiffe://example.org/agent/a').ok, false);
    assert.equal(limiter.take('spiffe://example.org/agent/b').ok, true);
  });

  test('a bucket never holds more than the burst, however long it was idle', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 100, burst: 5, clock });
    limiter.take('a');
    clock.advance(3_600_000);
    assert.deepEqual(limiter.take('a', 5), { ok: true, remaining: 0 });
  });

  test('memory stays bounded: refilled buckets go first, then the least recently used', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2, clock, maxKeys: 3 });
    limiter.take('old-1', 2);
    limiter.take('old-2', 2);
    clock.advance(5_000); // both refilled: equivalent to no bucket
    limiter.take('busy', 2);
    limiter.take('new', 2);
    assert.equal(limiter.size, 3);
    limiter.take('newer', 2);
    assert.equal(limiter.size, 3);
    assert.equal(limiter.take('busy').ok, false, 'an active bucket was kept');
    limiter.take('newest', 1);
    assert.equal(limiter.size, 3);
    assert.equal(limiter.take('new').ok, true, 'the least recently used bucket was dropped, so its key starts full');
  });

  const invalid: { name: string; make: () => unknown; message: RegExp }[] = [
    { name: 'a zero rate', make: () => new RateLimiter({ ratePerSecond: 0, burst: 1 }), message: /ratePerSecond/ },
    { name: 'a burst below one', make: () => new RateLimiter({ ratePerSecond: 1, burst: 0.5 }), message: /burst/ },
    { name: 'a request larger than the burst', make: () => new RateLimiter({ ratePerSecond: 1, burst: 2 }).take('a', 3), message: /exceed the burst of 2/ },
    { name: 'a request of zero tokens', make: () => new RateLimiter({ ratePerSecond: 1, burst: 2 }).take('a', 0), message: /positive/ },
  ];
  for (const c of invalid) {
    test(`rejects ${c.name}`, () => {
      assert.throws(c.make, (err: Error) => err instanceof RangeError && c.message.test(err.message));
    });
  }
});
