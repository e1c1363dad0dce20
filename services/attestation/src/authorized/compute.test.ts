import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RegistrationEntry, Selector } from '@signet/datastore';
import { sel, testEntry } from '../testing/entries.js';
import { computeAuthorized } from './compute.js';
import { EntryIndex } from './entry-index.js';

const TD = 'spiffe://example.org';
const SERVER = `${TD}/spire/server`;
const AGENT = `${TD}/spire/agent/k8s_psat/prod/node-1`;
const OTHER = `${TD}/spire/agent/k8s_psat/prod/node-2`;

function index(entries: readonly RegistrationEntry[]): EntryIndex {
  const idx = new EntryIndex(SERVER);
  for (const e of entries) idx.upsert(e);
  return idx;
}

interface Case {
  readonly name: string;
  readonly entries: readonly RegistrationEntry[];
  readonly nodeSelectors: readonly Selector[];
  readonly expected: readonly string[];
}

const cases: readonly Case[] = [
  {
    name: 'serves the entries parented by the agent',
    entries: [testEntry('a', `${TD}/web`, AGENT), testEntry('b', `${TD}/db`, AGENT)],
    nodeSelectors: [],
    expected: ['a', 'b'],
  },
  {
    name: 'does not serve the entries of another agent',
    entries: [testEntry('a', `${TD}/web`, AGENT), testEntry('b', `${TD}/db`, OTHER)],
    nodeSelectors: [],
    expected: ['a'],
  },
  {
    name: 'serves the children of a node alias whose selectors are a subset of the node selectors',
    entries: [
      testEntry('alias', `${TD}/cluster/prod`, SERVER, sel('k8s_psat:cluster:prod')),
      testEntry('w', `${TD}/web`, `${TD}/cluster/prod`),
    ],
    nodeSelectors: sel('k8s_psat:cluster:prod', 'k8s_psat:agent_ns:spire'),
    expected: ['w'],
  },
  {
    name: 'does not use a node alias that needs a selector the node lacks',
    entries: [
      testEntry('alias', `${TD}/cluster/prod-eu`, SERVER, sel('k8s_psat:cluster:prod', 'k8s_psat:agent_node_label:region:eu')),
      testEntry('w', `${TD}/web`, `${TD}/cluster/prod-eu`),
    ],
    nodeSelectors: sel('k8s_psat:cluster:prod', 'k8s_psat:agent_node_label:region:us'),
    expected: [],
  },
  {
    name: 'never serves the node alias entries themselves',
    entries: [testEntry('alias', `${TD}/cluster/prod`, SERVER, sel('k8s_psat:cluster:prod'))],
    nodeSelectors: sel('k8s_psat:cluster:prod'),
    expected: [],
  },
  {
    name: 'serves entries nested under a workload entry it serves, at any depth',
    entries: [
      testEntry('nested-agent', `${TD}/nested/agent`, AGENT),
      testEntry('child', `${TD}/nested/workload`, `${TD}/nested/agent`),
      testEntry('grandchild', `${TD}/nested/deeper`, `${TD}/nested/workload`),
      testEntry('unrelated', `${TD}/elsewhere`, `${TD}/not/served`),
    ],
    nodeSelectors: [],
    expected: ['child', 'grandchild', 'nested-agent'],
  },
  {
    name: 'serves entries nested under a node alias child',
    entries: [
      testEntry('alias', `${TD}/cluster/prod`, SERVER, sel('k8s_psat:cluster:prod')),
      testEntry('mid', `${TD}/mid`, `${TD}/cluster/prod`),
      testEntry('leaf', `${TD}/leaf`, `${TD}/mid`),
    ],
    nodeSelectors: sel('k8s_psat:cluster:prod'),
    expected: ['leaf', 'mid'],
  },
  {
    name: 'ends on a cycle between two entries and serves each once',
    entries: [
      testEntry('root', `${TD}/a`, AGENT),
      testEntry('b', `${TD}/b`, `${TD}/a`),
      testEntry('back-to-a', `${TD}/a`, `${TD}/b`),
    ],
    nodeSelectors: [],
    expected: ['b', 'back-to-a', 'root'],
  },
  {
    name: 'ends on an entry that is its own parent',
    entries: [testEntry('root', `${TD}/loop`, AGENT), testEntry('self', `${TD}/loop`, `${TD}/loop`)],
    nodeSelectors: [],
    expected: ['root', 'self'],
  },
  {
    name: 'serves an entry reachable through two aliases once',
    entries: [
      testEntry('alias-1', `${TD}/group/one`, SERVER, sel('x509pop:ca:fingerprint:aa')),
      testEntry('alias-2', `${TD}/group/two`, SERVER, sel('x509pop:subject:cn:node-1')),
      testEntry('via-1', `${TD}/shared`, `${TD}/group/one`),
      testEntry('via-2', `${TD}/other`, `${TD}/group/two`),
      testEntry('below-both', `${TD}/below`, `${TD}/shared`),
      testEntry('below-both-too', `${TD}/below2`, `${TD}/other`),
    ],
    nodeSelectors: sel('x509pop:ca:fingerprint:aa', 'x509pop:subject:cn:node-1'),
    expected: ['below-both', 'below-both-too', 'via-1', 'via-2'],
  },
  {
    name: 'serves nothing under the server ID even when an entry points there from a served entry',
    entries: [testEntry('root', `${TD}/spire/server`, AGENT), testEntry('alias', `${TD}/cluster/x`, SERVER, sel('a:b'))],
    nodeSelectors: [],
    expected: ['root'],
  },
];

describe('computeAuthorized', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = computeAuthorized(AGENT, c.nodeSelectors, index(c.entries));
      assert.deepEqual(result.entries.map((e) => e.id).sort(), [...c.expected].sort());
      assert.equal(new Set(result.entries.map((e) => e.id)).size, result.entries.length, 'each entry once');
    });
  }

  it('drops the alias children when the node selectors no longer match, and adds the new ones', () => {
    const idx = index([
      testEntry('alias-eu', `${TD}/region/eu`, SERVER, sel('k8s_psat:agent_node_label:region:eu')),
      testEntry('alias-us', `${TD}/region/us`, SERVER, sel('k8s_psat:agent_node_label:region:us')),
      testEntry('eu-app', `${TD}/eu-app`, `${TD}/region/eu`),
      testEntry('us-app', `${TD}/us-app`, `${TD}/region/us`),
    ]);
    const before = computeAuthorized(AGENT, sel('k8s_psat:agent_node_label:region:eu'), idx);
    const after = computeAuthorized(AGENT, sel('k8s_psat:agent_node_label:region:us'), idx);
    assert.deepEqual(before.entries.map((e) => e.id), ['eu-app']);
    assert.deepEqual(after.entries.map((e) => e.id), ['us-app']);
    assert.deepEqual(before.aliases.map((a) => a.id), ['alias-eu']);
  });

  it('reports every parent it expanded', () => {
    const idx = index([testEntry('a', `${TD}/a`, AGENT), testEntry('b', `${TD}/b`, `${TD}/a`)]);
    assert.deepEqual([...computeAuthorized(AGENT, [], idx).parents].sort(), [AGENT, `${TD}/a`, `${TD}/b`].sort());
  });

  it('follows index updates and removals', () => {
    const idx = index([testEntry('a', `${TD}/a`, AGENT)]);
    idx.upsert(testEntry('a', `${TD}/a`, OTHER));
    assert.deepEqual(computeAuthorized(AGENT, [], idx).entries, []);
    idx.upsert(testEntry('a', `${TD}/a`, AGENT));
    idx.remove('a');
    assert.deepEqual(computeAuthorized(AGENT, [], idx).entries, []);
    assert.equal(idx.size, 0);
  });
});
