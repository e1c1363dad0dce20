import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FAKE_CLOCK_START, FakeClock } from './fake-clock.js';

/** Records "label@offset" for each callback, offset in ms from the clock's start. */
function recorder(clock: FakeClock) {
  const events: string[] = [];
  const start = clock.nowMs();
  return { events, at: (label: string) => () => events.push(`${label}@${clock.nowMs() - start}`) };
}

describe('FakeClock', () => {
  it('starts at 2025-01-01 by default and at the given time otherwise', () => {
    assert.equal(new FakeClock().now().toISOString(), '2025-01-01T00:00:00.000Z');
    assert.equal(new FakeClock(new Date('2030-06-01T12:00:00Z')).nowMs(), Date.parse('2030-06-01T12:00:00Z'));
    assert.equal(new FakeClock(0).nowMs(), 0);
  });

  const scenarios: { name: string; run(clock: FakeClock, at: (l: string) => () => void): void; expected: string[] }[] = [
    {
      name: 'fires nothing before the due time and the timer exactly at it',
      run: (clock, at) => {
        clock.setTimeout(at('a'), 1000);
        clock.advance(999);
        clock.advance(1);
        clock.advance(5000);
      },
      expected: ['a@1000'],
    },
    {
      name: 'fires timers in due order, whatever the scheduling order',
      run: (clock, at) => {
        clock.setTimeout(at('late'), 300);
        clock.setTimeout(at('early'), 100);
        clock.setTimeout(at('middle'), 200);
        clock.advance(1000);
      },
      expected: ['early@100', 'middle@200', 'late@300'],
    },
    {
      name: 'fires timers due at the same time in scheduling order',
      run: (clock, at) => {
        clock.setTimeout(at('first'), 50);
        clock.setTimeout(at('second'), 50);
        clock.advance(50);
      },
      expected: ['first@50', 'second@50'],
    },
    {
      name: 'runs a timer scheduled by a callback within the same advance',
      run: (clock, at) => {
        clock.setTimeout(() => {
          at('outer')();
          clock.setTimeout(at('inner'), 100);
          clock.setTimeout(at('beyond'), 10_000);
        }, 100);
        clock.advance(500);
      },
      expected: ['outer@100', 'inner@200'],
    },
    {
      name: 'never runs a cancelled timer, and cancelling twice is harmless',
      run: (clock, at) => {
        const cancel = clock.setTimeout(at('cancelled'), 100);
        clock.setTimeout(at('kept'), 100);
        cancel();
        cancel();
        clock.advance(100);
      },
      expected: ['kept@100'],
    },
    {
      name: 'lets a callback cancel a later timer',
      run: (clock, at) => {
        let cancelLater = (): void => {};
        clock.setTimeout(() => {
          at('first')();
          cancelLater();
        }, 10);
        cancelLater = clock.setTimeout(at('later'), 20);
        clock.advance(100);
      },
      expected: ['first@10'],
    },
    {
      name: 'runs an interval once per period crossed',
      run: (clock, at) => {
        clock.setInterval(at('tick'), 100);
        clock.advance(350);
      },
      expected: ['tick@100', 'tick@200', 'tick@300'],
    },
    {
      name: 'stops an interval that cancels itself',
      run: (clock, at) => {
        let count = 0;
        const cancel = clock.setInterval(() => {
          at('tick')();
          if (++count === 2) cancel();
        }, 100);
        clock.advance(1000);
      },
      expected: ['tick@100', 'tick@200'],
    },
    {
      name: 'interleaves intervals and timeouts by due time',
      run: (clock, at) => {
        clock.setInterval(at('i'), 100);
        clock.setTimeout(at('t'), 150);
        clock.advance(200);
      },
      expected: ['i@100', 't@150', 'i@200'],
    },
    {
      name: 'treats a negative delay as due now, run by the next advance',
      run: (clock, at) => {
        clock.setTimeout(at('now'), -5);
        clock.runDue();
      },
      expected: ['now@0'],
    },
  ];
  for (const scenario of scenarios) {
    it(scenario.name, () => {
      const clock = new FakeClock();
      const { events, at } = recorder(clock);
      scenario.run(clock, at);
      assert.deepEqual(events, scenario.expected);
    });
  }

  it('ends an advance at the target time', () => {
    const clock = new FakeClock();
    clock.setTimeout(() => {}, 10);
    clock.advance(1000);
    assert.equal(clock.nowMs(), FAKE_CLOCK_START + 1000);
    clock.advanceTo(new Date(FAKE_CLOCK_START + 5000));
    assert.equal(clock.nowMs(), FAKE_CLOCK_START + 5000);
  });

  it('rejects moving backwards and non-positive intervals', () => {
    const clock = new FakeClock();
    assert.throws(() => clock.advance(-1), RangeError);
    assert.throws(() => clock.advanceTo(FAKE_CLOCK_START - 1), RangeError);
    assert.throws(() => clock.setInterval(() => {}, 0), RangeError);
  });

  it('refuses to be advanced from inside a callback', () => {
    const clock = new FakeClock();
    let inner: unknown;
    clock.setTimeout(() => {
      try {
        clock.advance(1);
      } catch (err) {
        inner = err;
      }
    }, 1);
    clock.advance(1);
    assert.match(String(inner), /inside a timer callback/);
  });

  it('propagates a callback error and keeps later timers pending', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    clock.setTimeout(() => fired.push('later'), 20);
    assert.throws(() => clock.advance(100), /boom/);
    assert.equal(clock.nowMs(), FAKE_CLOCK_START + 10);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(100);
    assert.deepEqual(fired, ['later']);
  });

  it('reports pending timers and the next due time', () => {
    const clock = new FakeClock();
    assert.equal(clock.nextDue(), undefined);
    const cancel = clock.setTimeout(() => {}, 300);
    clock.setInterval(() => {}, 500);
    assert.equal(clock.pendingTimers, 2);
    assert.equal(clock.nextDue()?.getTime(), FAKE_CLOCK_START + 300);
    cancel();
    assert.equal(clock.nextDue()?.getTime(), FAKE_CLOCK_START + 500);
  });

  it('resolves sleep when time passes and rejects it on abort', async () => {
    const clock = new FakeClock();
    let slept = false;
    const sleeping = clock.sleep(1000).then(() => {
      slept = true;
    });
    clock.advance(999);
    await Promise.resolve();
    assert.equal(slept, false);
    clock.advance(1);
    await sleeping;
    assert.equal(slept, true);

    const controller = new AbortController();
    const aborted = clock.sleep(1000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(aborted, /stop/);
    assert.equal(clock.pendingTimers, 0);
  });

  it('lets awaited work between timers run with advanceAsync', async () => {
    const clock = new FakeClock();
    const rotations: number[] = [];
    // A rotation loop: sleep, do async work, repeat.
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(1000);
        await Promise.resolve();
        rotations.push(clock.nowMs() - FAKE_CLOCK_START);
      }
    })();
    await clock.advanceAsync(3500);
    await loop;
    assert.deepEqual(rotations, [1000, 2000, 3000]);
    assert.equal(clock.nowMs(), FAKE_CLOCK_START + 3500);
  });

  it('waits until code has scheduled its timers', async () => {
    const clock = new FakeClock();
    const ready = clock.waitForTimers(2);
    setImmediate(() => {
      clock.setTimeout(() => {}, 1);
      clock.setTimeout(() => {}, 2);
    });
    await ready;
    assert.equal(clock.pendingTimers, 2);
  });
});
