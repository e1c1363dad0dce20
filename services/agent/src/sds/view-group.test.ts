/**
 * A view group's CA-rotation sequencing, with scripted members: the bundle step goes first, the
 * SVID step waits for the gate, and the SVID secrets are encoded while the gate waits, not in the
 * middle of the bundle pushes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { captureLogs, createLogger, FakeClock } from '@signet/platform';
import type { WorkloadView } from '../domain/view.js';
import { SecretCatalog } from './catalog.js';
import { SDS_CONFIG_DEFAULTS } from './config.js';
import { IdleWork } from './idle-work.js';
import { identities, TD } from './identities.test-helper.js';
import { RotationGate } from './rotation-gate.js';
import { viewOf } from './testing/fixtures.js';
import { ViewGroup, type GroupMember, type PushResult } from './view-group.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A member subscribed to `names`, recording what it was pushed and asked. */
class Member implements GroupMember {
  readonly form = 'spiffe' as const;
  readonly sent = new Map<string, string>();
  readonly log: string[] = [];
  #n = 0;
  constructor(readonly name: string, readonly names: readonly string[]) {}
  push(catalog: SecretCatalog): PushResult | undefined {
    const out = this.names.map((n) => catalog.resolve(n, this.form)).filter((r) => r !== undefined && this.sent.get(r.name) !== r.version);
    if (out.length === 0) return undefined;
    for (const r of out) this.sent.set(r!.name, r!.version);
    this.log.push(`push ${out.map((r) => r!.kind).join('+')}`);
    return { nonce: `${this.name}-${++this.#n}`, validationContext: out.some((r) => r!.kind === 'validation_context') };
  }
  wouldPushCertificate(catalog: SecretCatalog): boolean {
    return this.names.some((n) => catalog.resolve(n, this.form)?.kind === 'tls_certificate' && this.sent.get(n) !== catalog.resolve(n, this.form)!.version);
  }
  warm(catalog: SecretCatalog): void {
    this.log.push('warm');
    for (const n of this.names) catalog.resolve(n, this.form);
  }
}

describe('view group', () => {
  const ids = identities();

  it('on a CA rotation pushes bundles first, encodes the new SVIDs while the gate waits, then pushes them', async () => {
    const gate = new RotationGate(new FakeClock(), 2000);
    const idle = new IdleWork(2, (err) => assert.fail(String(err)));
    const encoded: SecretCatalog[] = [];
    let listener: (view: WorkloadView) => void = () => {};
    let current = viewOf({ svids: [ids.web], bundle: ids.bundle });
    const group = new ViewGroup(
      'g',
      {
        gate,
        clock: new FakeClock(),
        tracer: trace.getTracer('test'),
        logger: createLogger({ level: 'warn', service: 'test', destination: captureLogs().stream }),
        catalogOf: (view, previous) => {
          const c = new SecretCatalog(view, { trustDomain: TD, names: SDS_CONFIG_DEFAULTS }, previous);
          encoded.push(c);
          return c;
        },
        idle: (task) => idle.add(task),
        onEmpty: () => {},
      },
      (l) => {
        listener = l;
        return { current: () => current, close: () => {} };
      },
    );
    const svidOnly = new Member('a', ['default']);
    const bundleOnly = new Member('b', ['ROOTCA']);
    const both = new Member('c', ['default', 'ROOTCA']);
    for (const m of [svidOnly, bundleOnly, both]) {
      group.add(m);
      m.push(group.catalog);
      m.log.length = 0;
    }
    // A new root joins the bundle, and the workload gets a new SVID.
    current = viewOf({ svids: [ids.svid('spiffe://example.org/web')], bundle: { ...ids.bundle, x509Authorities: [...ids.bundle.x509Authorities, ...ids.partnerBundle.x509Authorities] } });
    listener(current);

    assert.deepEqual(bundleOnly.log, ['push validation_context'], 'the bundle-only stream gets the new bundle at once');
    assert.deepEqual(svidOnly.log, [], 'nothing for the SVID-only stream before the gate opens');
    assert.deepEqual(both.log, [], 'a stream with both waits, to get both in one response');
    assert.equal(gate.unsettled, 1, JSON.stringify([svidOnly.log, bundleOnly.log, both.log]));

    await tick();
    assert.deepEqual(svidOnly.log, ['warm'], 'the held SVID is encoded while the gate waits');
    assert.deepEqual(both.log, ['warm']);

    gate.settle(bundleOnly, 'b-2', 'b-2');
    await tick();
    await tick();
    assert.deepEqual(svidOnly.log, ['warm', 'push tls_certificate']);
    assert.deepEqual(both.log, ['warm', 'push tls_certificate+validation_context']);
    assert.deepEqual(bundleOnly.log.filter((e) => e.startsWith('push')), ['push validation_context'], 'no second push for the bundle-only stream');
    idle.close();
  });
});

describe('idle work', () => {
  it('runs tasks in order in later turns, reports a failing task and goes on, and drops what waits once closed', async () => {
    const errors: unknown[] = [];
    const idle = new IdleWork(1000, (err) => errors.push(err));
    const ran: number[] = [];
    idle.add(() => ran.push(1));
    idle.add(() => {
      throw new Error('boom');
    });
    idle.add(() => ran.push(3));
    assert.deepEqual([...ran], [], "nothing runs in the turn that queued it");
    await tick();
    assert.deepEqual([...ran], [1, 3]);
    assert.equal(errors.length, 1);
    idle.add(() => ran.push(4));
    idle.close();
    await tick();
    assert.deepEqual([...ran], [1, 3]);
    idle.add(() => ran.push(5));
    await tick();
    assert.deepEqual(ran, [1, 3], 'a closed queue takes nothing');
  });

  it('yields to the event loop between slices of work', async () => {
    const idle = new IdleWork(1, () => {});
    let done = 0;
    const busy = (): void => {
      const t = performance.now();
      while (performance.now() - t < 2);
      done++;
    };
    for (let i = 0; i < 5; i++) idle.add(busy);
    await tick();
    assert.ok(done >= 1 && done < 5, `one slice ran ${done} of 5 tasks`);
    while (idle.pending > 0) await tick();
    assert.equal(done, 5);
  });
});
