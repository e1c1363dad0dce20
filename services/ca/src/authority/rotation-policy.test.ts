import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Authority, AuthorityState } from '@signet/datastore';
import { activationTime, isPublished, nextRotationStep, preparationTime, retiredAuthorities } from './rotation-policy.js';

const H = 3_600_000;
const T0 = Date.UTC(2030, 0, 1);

function authority(id: string, state: AuthorityState, fromH: number, toH: number): Authority {
  const d = (h: number) => new Date(T0 + h * H);
  return {
    id,
    kind: 'x509',
    state,
    publicKey: new Uint8Array([1]),
    certificate: new Uint8Array([1]),
    keyId: id,
    upstreamChain: [],
    keyRef: `x509-${id}`,
    notBefore: d(fromH),
    notAfter: d(toH),
    createdAt: d(fromH),
    activatedAt: null,
    deactivatedAt: null,
    taintedAt: null,
    revokedAt: null,
    updatedAt: d(fromH),
  };
}

describe('rotation policy', () => {
  it('prepares at half of the active life and activates when a sixth remains', () => {
    const a = authority('a', 'active', 0, 24);
    assert.equal(preparationTime(a), T0 + 12 * H);
    assert.equal(activationTime(a), T0 + 20 * H);
  });

  const cases: [string, Authority[], number, ReturnType<typeof nextRotationStep>][] = [
    ['nothing yet: bootstrap', [], 0, { type: 'prepare-and-activate' }],
    ['active, before half-life: nothing', [authority('a', 'active', 0, 24)], 11.9, undefined],
    ['active at half-life: prepare', [authority('a', 'active', 0, 24)], 12, { type: 'prepare' }],
    ['prepared before 5/6: nothing', [authority('a', 'active', 0, 24), authority('b', 'prepared', 12, 36)], 19.9, undefined],
    ['prepared at 5/6: activate it', [authority('a', 'active', 0, 24), authority('b', 'prepared', 12, 36)], 20, { type: 'activate', id: 'b' }],
    ['past 5/6 with nothing prepared: prepare and activate', [authority('a', 'active', 0, 24)], 21, { type: 'prepare-and-activate' }],
    ['active expired, prepared waiting: activate it', [authority('a', 'active', 0, 24), authority('b', 'prepared', 12, 36)], 30, { type: 'activate', id: 'b' }],
    ['active expired, nothing prepared: prepare and activate', [authority('a', 'active', 0, 24)], 25, { type: 'prepare-and-activate' }],
    ['only a prepared one (no active): activate it', [authority('b', 'prepared', 0, 24)], 1, { type: 'activate', id: 'b' }],
    ['old and revoked ones are ignored', [authority('o', 'old', -20, 4), authority('r', 'revoked', -20, 4), authority('a', 'active', 0, 24)], 1, undefined],
  ];
  for (const [name, list, atH, expected] of cases) {
    it(name, () => assert.deepEqual(nextRotationStep(list, new Date(T0 + atH * H)), expected));
  }

  it('publishes what is neither revoked nor expired, and retires keys of what is revoked or expired and not in a slot', () => {
    const list = [
      authority('expired-old', 'old', -30, -1),
      authority('live-old', 'old', -10, 5),
      authority('tainted', 'tainted', -10, 5),
      authority('revoked', 'revoked', -10, 5),
      authority('expired-active', 'active', -30, -1),
      authority('prepared', 'prepared', 0, 24),
    ];
    const now = new Date(T0);
    assert.deepEqual(list.filter((a) => isPublished(a, now)).map((a) => a.id), ['live-old', 'tainted', 'prepared']);
    assert.deepEqual(retiredAuthorities(list, now).map((a) => a.id), ['expired-old', 'revoked']);
  });
});
