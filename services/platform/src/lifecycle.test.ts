import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLifecycle } from './lifecycle.js';
import { createLogger } from './log/logger.js';
import { captureLogs } from './testing/log-capture.js';
import { FakeClock } from './testing/fake-clock.js';

function harness(deadlineMs = 1000) {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const clock = new FakeClock();
  const logs = captureLogs();
  const logger = createLogger({ level: 'info', service: 'test', destination: logs.stream });
  const lifecycle = createLifecycle({ emitter, exit: (code) => exits.push(code), clock, deadlineMs, logger });
  return { emitter, exits, clock, logs, lifecycle };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createLifecycle', () => {
  it('runs closers in reverse order of registration', async () => {
    const { lifecycle } = harness();
    const order: string[] = [];
    lifecycle.add('telemetry', () => order.push('telemetry'));
    lifecycle.add('database', async () => {
      await tick();
      order.push('database');
    });
    lifecycle.add('health', () => order.push('health'));
    const result = await lifecycle.shutdown();
    assert.deepEqual(order, ['health', 'database', 'telemetry']);
    assert.deepEqual(result, { ok: true, timedOut: false, failures: [] });
  });

  it('keeps going after a closer fails and reports it', async () => {
    const { lifecycle, logs } = harness();
    const order: string[] = [];
    lifecycle.add('first', () => order.push('first'));
    lifecycle.add('broken', () => Promise.reject(new Error('close failed')));
    const result = await lifecycle.shutdown();
    assert.deepEqual(order, ['first']);
    assert.equal(result.ok, false);
    assert.equal(result.failures[0]?.name, 'broken');
    assert.match(String(result.failures[0]?.error), /close failed/);
    assert.ok(logs.records().some((r) => r['msg'] === 'closer failed' && r['closer'] === 'broken'));
  });

  it('gives up at the deadline and names the closer still running', async () => {
    const { lifecycle, clock } = harness(5000);
    let laterRan = false;
    lifecycle.add('later', () => {
      laterRan = true;
    });
    lifecycle.add('stuck', () => new Promise(() => {}));
    const pending = lifecycle.shutdown();
    await clock.advanceAsync(4999);
    let settled = false;
    void pending.then(() => (settled = true));
    await tick();
    assert.equal(settled, false, 'still waiting before the deadline');
    await clock.advanceAsync(1);
    const result = await pending;
    assert.deepEqual(result, { ok: false, timedOut: true, pending: 'stuck', failures: [] });
    assert.equal(laterRan, false);
  });

  it('runs the closers once however often shutdown is called', async () => {
    const { lifecycle } = harness();
    let runs = 0;
    lifecycle.add('once', () => runs++);
    const [a, b] = [lifecycle.shutdown('a'), lifecycle.shutdown('b')];
    assert.equal(a, b);
    await a;
    await lifecycle.shutdown();
    assert.equal(runs, 1);
    assert.equal(lifecycle.shuttingDown, true);
    assert.throws(() => lifecycle.add('late', () => {}), /shutdown has begun/);
  });

  const signals: { name: string; closer: () => unknown; exit: number }[] = [
    { name: 'exits 0 after a clean shutdown on SIGTERM', closer: () => undefined, exit: 0 },
    {
      name: 'exits 1 when a closer fails',
      closer: () => {
        throw new Error('nope');
      },
      exit: 1,
    },
  ];
  for (const c of signals) {
    it(c.name, async () => {
      const { lifecycle, emitter, exits } = harness();
      lifecycle.add('thing', c.closer);
      lifecycle.listen();
      assert.equal(emitter.listenerCount('SIGTERM'), 1);
      assert.equal(emitter.listenerCount('SIGINT'), 1);
      emitter.emit('SIGTERM');
      await tick();
      await tick();
      assert.deepEqual(exits, [c.exit]);
    });
  }

  it('exits at once with 128 + the signal number on a second signal', async () => {
    const { lifecycle, emitter, exits } = harness();
    lifecycle.add('stuck', () => new Promise(() => {}));
    lifecycle.listen();
    emitter.emit('SIGINT');
    await tick();
    assert.deepEqual(exits, []);
    emitter.emit('SIGINT');
    assert.deepEqual(exits, [130]);
  });

  it('exits 1 when a signal-driven shutdown passes its deadline', async () => {
    const { lifecycle, emitter, exits, clock } = harness(100);
    lifecycle.add('stuck', () => new Promise(() => {}));
    lifecycle.listen();
    emitter.emit('SIGTERM');
    await clock.advanceAsync(100);
    await tick();
    assert.deepEqual(exits, [1]);
  });

  it('removes its signal listeners when asked', () => {
    const { lifecycle, emitter } = harness();
    const stop = lifecycle.listen();
    stop();
    assert.equal(emitter.listenerCount('SIGTERM'), 0);
    assert.equal(emitter.listenerCount('SIGINT'), 0);
  });
});
