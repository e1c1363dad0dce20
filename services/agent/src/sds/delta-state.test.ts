import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeltaStreamState, type DeltaRequestKind, type DeltaResponse } from './delta-state.js';
import { checkResponse, lookupOf, type World } from './state-cases.test-helper.js';

type Step =
  | {
      readonly sub?: readonly string[];
      readonly unsub?: readonly string[];
      readonly initial?: World;
      readonly nonce?: 'none' | 'last' | 'previous';
      readonly nack?: boolean;
      readonly expect: readonly string[] | null;
      readonly kind?: DeltaRequestKind;
    }
  | { readonly world: World; readonly expect: readonly string[] | null };

interface Case {
  readonly name: string;
  readonly world: World;
  readonly steps: readonly Step[];
}

function run(c: Case): void {
  let seq = 0;
  const state = new DeltaStreamState(() => `n${++seq}`);
  const nonces: string[] = [];
  let world = c.world;
  c.steps.forEach((step, i) => {
    const where = `step ${i} of "${c.name}"`;
    let response: DeltaResponse | undefined;
    if ('world' in step) {
      world = step.world;
      response = state.onView(lookupOf(world));
    } else {
      const mode = step.nonce ?? 'none';
      const responseNonce = mode === 'none' ? '' : mode === 'last' ? (nonces.at(-1) ?? '') : (nonces.at(-2) ?? '');
      const outcome = state.onRequest(
        {
          subscribe: step.sub ?? [],
          unsubscribe: step.unsub ?? [],
          initialVersions: new Map(Object.entries(step.initial ?? {})),
          responseNonce,
          errorDetail: step.nack === true ? { code: 13, message: 'rejected' } : undefined,
        },
        lookupOf(world),
      );
      if (step.kind !== undefined) assert.equal(outcome.kind, step.kind, where);
      response = outcome.response;
    }
    checkResponse(where, response, step.expect, world, nonces);
  });
}

const cases: Case[] = [
  { name: 'Delta: subscribing to X gets X with its version', world: { X: 'v1' }, steps: [{ sub: ['X'], expect: ['X'], kind: 'initial' }] },
  {
    name: 'Delta: an ACK gets no response',
    world: { X: 'v1' },
    steps: [
      { sub: ['X'], expect: ['X'] },
      { nonce: 'last', expect: null, kind: 'ack' },
    ],
  },
  {
    name: 'Delta: a NACK gets no resend of the same version; a new version is pushed',
    world: { X: 'v1' },
    steps: [
      { sub: ['X'], expect: ['X'] },
      { nonce: 'last', nack: true, expect: null, kind: 'nack' },
      { world: { X: 'v1' }, expect: null },
      { world: { X: 'v2' }, expect: ['X'] },
    ],
  },
  {
    name: 'Delta: a rotation sends only the rotated resource',
    world: { X: 'v1', Y: 'v1' },
    steps: [
      { sub: ['X', 'Y'], expect: ['X', 'Y'] },
      { world: { X: 'v2', Y: 'v1' }, expect: ['X'] },
    ],
  },
  {
    name: 'Delta: a re-subscribe re-sends the resource',
    world: { X: 'v1' },
    steps: [
      { sub: ['X'], expect: ['X'] },
      { sub: ['X'], expect: ['X'], kind: 'request' },
      { unsub: ['X'], sub: ['X'], expect: ['X'] },
    ],
  },
  {
    name: 'Delta: an unsubscribe gets no response and stops pushes; a phantom unsubscribe is ignored',
    world: { X: 'v1', Y: 'v1' },
    steps: [
      { sub: ['X', 'Y'], expect: ['X', 'Y'] },
      { unsub: ['X'], expect: null },
      { world: { X: 'v2', Y: 'v1' }, expect: null },
      { unsub: ['never-subscribed'], expect: null },
      { world: { X: 'v3', Y: 'v2' }, expect: ['Y'] },
    ],
  },
  {
    name: 'Delta: initial_resource_versions skips unchanged resources',
    world: { X: 'v1', Y: 'v2' },
    steps: [
      { sub: ['X', 'Y'], initial: { X: 'v1', Y: 'v1' }, expect: ['Y'], kind: 'initial' },
      { world: { X: 'v1', Y: 'v2' }, expect: null },
      { world: { X: 'v3', Y: 'v2' }, expect: ['X'] },
    ],
  },
  {
    name: 'Delta: initial_resource_versions all unchanged sends nothing',
    world: { X: 'v1' },
    steps: [
      { sub: ['X'], initial: { X: 'v1' }, expect: null },
      { world: { X: 'v2' }, expect: ['X'] },
    ],
  },
  {
    name: 'Delta: initial_resource_versions only count on the first request',
    world: { X: 'v1', Y: 'v1' },
    steps: [
      { sub: ['X'], expect: ['X'] },
      { sub: ['Y'], initial: { Y: 'v1' }, expect: ['Y'] },
    ],
  },
  {
    name: 'Delta: a stale nonce still applies subscription changes',
    world: { X: 'v1', Y: 'v1' },
    steps: [
      { sub: ['X'], expect: ['X'] },
      { world: { X: 'v2', Y: 'v1' }, expect: ['X'] },
      { nonce: 'previous', sub: ['Y'], expect: ['Y'], kind: 'ack' },
      { nonce: 'previous', unsub: ['X'], expect: null },
      { world: { X: 'v3', Y: 'v1' }, expect: null },
    ],
  },
  {
    name: 'Delta: a nonexistent name is held, never removed, and pushed once it exists',
    world: {},
    steps: [
      { sub: ['X'], expect: null },
      { world: { X: 'v1' }, expect: ['X'] },
      { world: { X: 'v1' }, expect: null },
    ],
  },
  { name: 'Delta: a name subscribed twice in one request is sent once', world: { X: 'v1' }, steps: [{ sub: ['X', 'X'], expect: ['X'] }] },
  {
    name: 'Delta: an empty first request subscribes to nothing (no wildcard)',
    world: { X: 'v1' },
    steps: [
      { sub: [], expect: null, kind: 'initial' },
      { world: { X: 'v2' }, expect: null },
    ],
  },
  {
    name: 'Delta: a NACK that subscribes still gets the new name',
    world: { X: 'v1', Y: 'v1' },
    steps: [
      { sub: ['X'], expect: ['X'] },
      { nonce: 'last', nack: true, sub: ['Y'], expect: ['Y'], kind: 'nack' },
    ],
  },
];

describe('Delta stream state machine', () => {
  for (const c of cases) it(c.name, () => run(c));
});
