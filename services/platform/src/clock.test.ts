import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from './clock.js';

describe('systemClock', () => {
  it('reads the real time', () => {
    const before = Date.now();
    const now = systemClock.nowMs();
    assert.ok(now >= before && now - before < 1000);
    assert.ok(Math.abs(systemClock.now().getTime() - now) < 1000);
  });

  it('fires a timeout after its delay and not after cancel', async () => {
    const fired: string[] = [];
    systemClock.setTimeout(() => fired.push('kept'), 5);
    const cancel = systemClock.setTimeout(() => fired.push('cancelled'), 5);
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.deepEqual(fired, ['kept']);
  });

  it('does not fire a timeout longer than Node timers allow right away', async () => {
    let fired = false;
    const cancel = systemClock.setTimeout(() => {
      fired = true;
    }, 40 * 24 * 3_600_000); // 40 days: beyond the 24.8-day limit of setTimeout
    await new Promise((resolve) => setTimeout(resolve, 20));
    cancel();
    assert.equal(fired, false);
  });

  it('repeats an interval until cancelled', async () => {
    let ticks = 0;
    const cancel = systemClock.setInterval(() => ticks++, 5);
    await new Promise((resolve) => setTimeout(resolve, 60));
    cancel();
    const seen = ticks;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.ok(seen >= 2, `expected at least 2 ticks, saw ${seen}`);
    assert.equal(ticks, seen);
  });

  it('sleeps, and rejects a sleep when aborted', async () => {
    const start = Date.now();
    await systemClock.sleep(10);
    assert.ok(Date.now() - start >= 9);
    const controller = new AbortController();
    const pending = systemClock.sleep(10_000, controller.signal);
    controller.abort(new Error('shutdown'));
    await assert.rejects(pending, /shutdown/);
    await assert.rejects(systemClock.sleep(1, AbortSignal.abort(new Error('already'))), /already/);
  });
});
