import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SotwStreamState, type SotwRequestKind, type SotwResponse } from './sotw-state.js';
import { checkResponse, lookupOf, type World } from './state-cases.test-helper.js';
import { dedupe } from './stream-state.js';

type Nonce = 'none' | 'last' | 'previous' | 'foreign';

type Step =
  | {
      readonly req: readonly string[];
      readonly nonce?: Nonce;
      readonly nack?: boolean;
      readonly expect: readonly string[] | null;
      readonly kind?: SotwRequestKind;
    }
  | { readonly world: World; readonly expect: readonly string[] | null };

interface Case {
  readonly name: string;
  readonly world: World;
  readonly steps: readonly Step[];
}

function run(c: Case): void {
  let seq = 0;
  const state = new SotwStreamState(() => `n${++seq}`);
  const nonces: string[] = [];
  let world = c.world;
  c.steps.forEach((step, i) => {
    const where = `step ${i} of "${c.name}"`;
    let response: SotwResponse | undefined;
    if ('req' in step) {
      const mode = step.nonce ?? (nonces.length === 0 ? 'none' : 'last');
      const responseNonce = mode === 'none' ? '' : mode === 'foreign' ? 'from-an-earlier-stream' : mode === 'last' ? (nonces.at(-1) ?? '') : (nonces.at(-2) ?? '');
      const outcome = state.onRequest(
        { resourceNames: step.req, responseNonce, errorDetail: step.nack === true ? { code: 13, message: 'bad' } : undefined },
        lookupOf(world),
      );
      if (step.kind !== undefined) assert.equal(outcome.kind, step.kind, where);
      response = outcome.response;
    } else {
      world = step.world;
      response = state.onView(lookupOf(world));
    }
    checkResponse(where, response, step.expect, world, nonces);
    if (response !== undefined) assert.notEqual(response.versionInfo, '', `${where}: version_info is non-empty`);
  });
}

const cases: Case[] = [
  { name: 'the first request gets every requested name that exists', world: { A: '1', B: '1' }, steps: [{ req: ['A', 'B'], expect: ['A', 'B'], kind: 'initial' }] },
  {
    name: 'an unknown name is held and pushed exactly once when it appears',
    world: { A: '1' },
    steps: [
      { req: ['A', 'X'], expect: ['A'] },
      { req: ['A', 'X'], expect: null, kind: 'ack' },
      { world: { A: '1', X: '1' }, expect: ['X'] },
      { world: { A: '1', X: '1' }, expect: null },
    ],
  },
  {
    name: 'a stream whose names are all unknown gets nothing until one appears',
    world: {},
    steps: [
      { req: ['X'], expect: null, kind: 'initial' },
      { world: { Y: '1' }, expect: null },
      { world: { X: '1' }, expect: ['X'] },
      { world: { X: '1', Y: '2' }, expect: null },
    ],
  },
  {
    name: 'an empty first request subscribes to nothing',
    world: { A: '1' },
    steps: [
      { req: [], expect: null, kind: 'initial' },
      { world: { A: '2' }, expect: null },
      { req: ['A'], nonce: 'none', expect: ['A'], kind: 'initial' },
    ],
  },
  { name: '"*" is a literal, unknown name', world: { A: '1', '*x': '1' }, steps: [{ req: ['*'], expect: null }] },
  { name: 'duplicate names in a request are answered once', world: { A: '1' }, steps: [{ req: ['A', 'A', 'A'], expect: ['A'] }] },
  {
    name: 'an ACK gets no response',
    world: { A: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { req: ['A'], expect: null, kind: 'ack' },
      { req: ['A'], expect: null, kind: 'ack' },
    ],
  },
  {
    name: 'a NACK is not answered with the same content; new content is pushed',
    world: { A: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { req: ['A'], nack: true, expect: null, kind: 'nack' },
      { world: { A: '1' }, expect: null },
      { world: { A: '2' }, expect: ['A'] },
    ],
  },
  {
    name: 'a NACK that adds names gets the added names',
    world: { A: '1', B: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { req: ['A', 'B'], nack: true, expect: ['B'], kind: 'nack' },
    ],
  },
  {
    name: 'a NACK that removes names stops pushes for them',
    world: { A: '1', B: '1' },
    steps: [
      { req: ['A', 'B'], expect: ['A', 'B'] },
      { req: ['A'], nack: true, expect: null, kind: 'nack' },
      { world: { A: '1', B: '2' }, expect: null },
    ],
  },
  {
    name: 'a stale nonce is ignored, name changes included; the next ACK applies them',
    world: { A: '1', B: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { world: { A: '2', B: '1' }, expect: ['A'] },
      { req: ['A', 'B'], nonce: 'previous', expect: null, kind: 'stale-ack' },
      { req: ['A', 'B'], nonce: 'last', expect: ['B'], kind: 'ack' },
    ],
  },
  {
    name: 'a stale NACK is ignored',
    world: { A: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { world: { A: '2' }, expect: ['A'] },
      { req: ['A'], nonce: 'previous', nack: true, expect: null, kind: 'stale-nack' },
    ],
  },
  {
    name: 'an empty nonce mid-stream re-initialises: every requested name that exists is sent again',
    world: { A: '1', B: '1' },
    steps: [
      { req: ['A', 'B'], expect: ['A', 'B'] },
      { req: ['A', 'B'], expect: null },
      { req: ['B', 'X'], nonce: 'none', expect: ['B'], kind: 'reinit' },
      { world: { A: '2', B: '1' }, expect: null },
    ],
  },
  {
    name: 'several empty-nonce requests before the first response: the latest name set wins',
    world: {},
    steps: [
      { req: ['A'], nonce: 'none', expect: null },
      { req: ['B'], nonce: 'none', expect: null },
      { world: { A: '1', B: '1' }, expect: ['B'] },
    ],
  },
  {
    name: 'a first request carrying a nonce and version from an earlier stream gets a full answer',
    world: { A: '1' },
    steps: [{ req: ['A'], nonce: 'foreign', expect: ['A'], kind: 'initial' }],
  },
  {
    name: 'adding a name gets the added name only',
    world: { A: '1', B: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { req: ['A', 'B'], expect: ['B'], kind: 'ack' },
    ],
  },
  {
    name: 're-adding a removed name sends it again, unchanged as it is',
    world: { A: '1', B: '1' },
    steps: [
      { req: ['A', 'B'], expect: ['A', 'B'] },
      { req: ['A'], expect: null },
      { req: ['A', 'B'], expect: ['B'] },
    ],
  },
  {
    name: 'removing a name gets no response and no further pushes for it',
    world: { A: '1', B: '1' },
    steps: [
      { req: ['A', 'B'], expect: ['A', 'B'] },
      { req: ['A'], expect: null },
      { world: { A: '1', B: '2' }, expect: null },
      { world: { A: '2', B: '3' }, expect: ['A'] },
    ],
  },
  {
    name: 'an empty list after names were subscribed unsubscribes from all',
    world: { A: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { req: [], expect: null },
      { world: { A: '2' }, expect: null },
    ],
  },
  {
    name: 'adding a name that does not exist holds it',
    world: { A: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { req: ['A', 'X'], expect: null },
      { world: { A: '1', X: '1' }, expect: ['X'] },
    ],
  },
  {
    name: 'a change pushes only the changed resources, in one response',
    world: { A: '1', B: '1', C: '1' },
    steps: [
      { req: ['A', 'B', 'C'], expect: ['A', 'B', 'C'] },
      { world: { A: '2', B: '1', C: '2' }, expect: ['A', 'C'] },
    ],
  },
  { name: 'an unchanged view sends nothing', world: { A: '1' }, steps: [{ req: ['A'], expect: ['A'] }, { world: { A: '1' }, expect: null }] },
  {
    name: 'a change to a name not subscribed sends nothing',
    world: { A: '1', B: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { world: { A: '1', B: '2' }, expect: null },
    ],
  },
  {
    name: 'pushes may go out before the previous ACK, one per change',
    world: { A: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { world: { A: '2' }, expect: ['A'] },
      { world: { A: '3' }, expect: ['A'] },
      { req: ['A'], nonce: 'previous', expect: null, kind: 'stale-ack' },
      { req: ['A'], nonce: 'last', expect: null, kind: 'ack' },
    ],
  },
  {
    name: 'a secret that disappears is not withdrawn, and is pushed when it comes back changed',
    world: { A: '1' },
    steps: [
      { req: ['A'], expect: ['A'] },
      { world: {}, expect: null },
      { world: { A: '1' }, expect: null },
      { world: { A: '2' }, expect: ['A'] },
    ],
  },
];

describe('SotW stream state machine', () => {
  for (const c of cases) it(c.name, () => run(c));

  it('version_info changes whenever sent content changes, and is stable otherwise', () => {
    let seq = 0;
    const state = new SotwStreamState(() => `n${++seq}`);
    const first = state.onRequest({ resourceNames: ['A', 'B'], responseNonce: '', errorDetail: undefined }, lookupOf({ A: '1', B: '1' }));
    const second = state.onView(lookupOf({ A: '2', B: '1' }));
    const third = state.onView(lookupOf({ A: '2', B: '2' }));
    const versions = [first.response?.versionInfo, second?.versionInfo, third?.versionInfo];
    assert.equal(new Set(versions).size, 3);
    assert.ok(versions.every((v) => typeof v === 'string' && /^[0-9a-f]{16}$/.test(v)));
    const again = new SotwStreamState(() => 'x').onRequest({ resourceNames: ['B', 'A'], responseNonce: '', errorDetail: undefined }, lookupOf({ A: '2', B: '2' }));
    assert.equal(again.response?.versionInfo, third?.versionInfo, 'the same content gives the same version on any stream');
  });

  it('preview tells what a push would send without sending it', () => {
    const state = new SotwStreamState(() => 'n');
    state.onRequest({ resourceNames: ['A', 'spiffe://td/x'], responseNonce: '', errorDetail: undefined }, lookupOf({ A: '1', 'spiffe://td/x': '1' }));
    const world = { A: '1', 'spiffe://td/x': '2' };
    assert.deepEqual(state.preview(lookupOf(world)).map((r) => r.kind), ['tls_certificate']);
    assert.deepEqual(state.preview(lookupOf(world)).map((r) => r.kind), ['tls_certificate'], 'preview changes nothing');
    assert.deepEqual(state.onView(lookupOf(world))?.resources.map((r) => r.name), ['spiffe://td/x']);
  });

  it('a NACK names the secrets of the NACKed response', () => {
    let seq = 0;
    const state = new SotwStreamState(() => `n${++seq}`);
    state.onRequest({ resourceNames: ['A', 'B'], responseNonce: '', errorDetail: undefined }, lookupOf({ A: '1', B: '1' }));
    const pushed = state.onView(lookupOf({ A: '1', B: '2' }));
    const outcome = state.onRequest({ resourceNames: ['A', 'B'], responseNonce: pushed?.nonce ?? '', errorDetail: { code: 13, message: 'x' } }, lookupOf({ A: '1', B: '2' }));
    assert.deepEqual(outcome.nackedNames, ['B']);
  });
});

describe('dedupe (names of a request)', () => {
  const many = Array.from({ length: 12 }, (_, i) => `n${i % 9}`);
  const cases: ReadonlyArray<readonly [string, readonly string[], readonly string[]]> = [
    ['no names', [], []],
    ['one name', ['a'], ['a']],
    ['distinct names, in order', ['b', 'a', 'c'], ['b', 'a', 'c']],
    ['a repeated name keeps its first place', ['a', 'b', 'a', 'c', 'b'], ['a', 'b', 'c']],
    ['more than 8 names with repeats', many, Array.from({ length: 9 }, (_, i) => `n${i}`)],
  ];
  for (const [what, given, expected] of cases) {
    it(what, () => assert.deepEqual([...dedupe(given)], expected));
  }
});
