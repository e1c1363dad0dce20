import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@signet/platform';
import { RotationGate } from './rotation-gate.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('CA rotation gate', () => {
  it('holds SVID pushes until every tracked bundle push is ACKed or NACKed', async () => {
    const gate = new RotationGate(new FakeClock(), 2000);
    const s1 = {};
    const s2 = {};
    let resumed = 0;
    gate.track(s1, 'a');
    gate.track(s2, 'b');
    gate.defer({ resume: () => resumed++ });
    gate.settle(s1, 'a', 'a');
    await tick();
    assert.equal(resumed, 0);
    gate.settle(s2, 'other', 'other-latest');
    await tick();
    assert.equal(resumed, 0, 'an ACK of another response does not settle');
    gate.settle(s2, 'b', 'b');
    await tick();
    assert.equal(resumed, 1);
    assert.equal(gate.holding, false);
  });

  it('an ACK of a later response settles an earlier bundle push', async () => {
    const gate = new RotationGate(new FakeClock(), 2000);
    const s = {};
    gate.track(s, 'a');
    gate.settle(s, 'c', 'c');
    assert.equal(gate.holding, false);
  });

  it('releases after the timeout when a stream never answers', async () => {
    const clock = new FakeClock();
    const timeouts: number[] = [];
    const gate = new RotationGate(clock, 2000, (n) => timeouts.push(n));
    let resumed = 0;
    gate.track({}, 'a');
    gate.defer({ resume: () => resumed++ });
    clock.advance(1999);
    await tick();
    assert.equal(resumed, 0);
    clock.advance(1);
    await tick();
    assert.equal(resumed, 1);
    assert.deepEqual(timeouts, [1]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('a closing stream no longer holds anything back', async () => {
    const gate = new RotationGate(new FakeClock(), 2000);
    const s = {};
    let resumed = 0;
    gate.track(s, 'a');
    gate.defer({ resume: () => resumed++ });
    gate.forget(s);
    await tick();
    assert.equal(resumed, 1);
  });

  it('a waiter deferred while the gate is open resumes at once (in a microtask)', async () => {
    const gate = new RotationGate(new FakeClock(), 2000);
    let resumed = 0;
    const waiter = { resume: () => resumed++ };
    gate.defer(waiter);
    gate.defer(waiter);
    await tick();
    assert.equal(resumed, 1, 'once per opening');
  });

  it('a timeout of 0 disables the gate', () => {
    const gate = new RotationGate(new FakeClock(), 0);
    gate.track({}, 'a');
    assert.equal(gate.holding, false);
  });
});
