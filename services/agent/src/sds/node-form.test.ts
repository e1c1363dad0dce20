import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metadataBool, parseBool, validatorFormFor, type NodeLike } from './node-form.js';

function node(version: [number, number] | null, disable?: { bool: boolean } | { string: string } | { number: number }): NodeLike {
  const fields: Record<string, object> = {};
  if (disable !== undefined) {
    // As proto-loader decodes google.protobuf.Value: camelCase, with the oneof's member in `kind`.
    if ('bool' in disable) fields['disable_spiffe_cert_validation'] = { kind: 'boolValue', boolValue: disable.bool };
    else if ('string' in disable) fields['disable_spiffe_cert_validation'] = { kind: 'stringValue', stringValue: disable.string };
    else fields['disable_spiffe_cert_validation'] = { kind: 'numberValue', numberValue: disable.number };
  }
  return {
    user_agent_build_version: version === null ? null : { version: { major_number: version[0], minor_number: version[1] } },
    metadata: { fields },
  };
}

describe('validation-context form from the node', () => {
  const cases: { name: string; node: NodeLike | null; agentDisables?: boolean; expect: 'spiffe' | 'trusted_ca' }[] = [
    { name: 'no node at all → SPIFFE validator', node: null, expect: 'spiffe' },
    { name: 'node without build version → SPIFFE validator', node: node(null), expect: 'spiffe' },
    { name: 'Envoy 1.18 → SPIFFE validator', node: node([1, 18]), expect: 'spiffe' },
    { name: 'Envoy 1.30 → SPIFFE validator', node: node([1, 30]), expect: 'spiffe' },
    { name: 'Envoy 2.0 → SPIFFE validator', node: node([2, 0]), expect: 'spiffe' },
    { name: 'Envoy 1.17 → trusted_ca', node: node([1, 17]), expect: 'trusted_ca' },
    { name: 'Envoy 0.99 → trusted_ca', node: node([0, 99]), expect: 'trusted_ca' },
    { name: 'agent disables → trusted_ca', node: node([1, 30]), agentDisables: true, expect: 'trusted_ca' },
    { name: 'metadata bool true disables', node: node([1, 30], { bool: true }), expect: 'trusted_ca' },
    { name: 'metadata bool false re-enables over the agent setting', node: node([1, 30], { bool: false }), agentDisables: true, expect: 'spiffe' },
    { name: 'metadata string "true" disables', node: node(null, { string: 'true' }), expect: 'trusted_ca' },
    { name: 'metadata string "1" disables', node: node(null, { string: '1' }), expect: 'trusted_ca' },
    { name: 'metadata string "F" enables', node: node(null, { string: 'F' }), agentDisables: true, expect: 'spiffe' },
    { name: 'an unparsable string falls back to the agent setting (enabled)', node: node(null, { string: 'yes' }), expect: 'spiffe' },
    { name: 'an unparsable string falls back to the agent setting (disabled)', node: node(null, { string: 'yes' }), agentDisables: true, expect: 'trusted_ca' },
    { name: 'a number falls back to the agent setting', node: node(null, { number: 1 }), expect: 'spiffe' },
    { name: 'metadata cannot bring the validator to an Envoy older than 1.18', node: node([1, 17], { bool: false }), expect: 'trusted_ca' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(validatorFormFor(c.node, c.agentDisables ?? false), c.expect));

  it('parses booleans like Go strconv.ParseBool', () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseBool(t), true, t);
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseBool(f), false, f);
    for (const x of ['', 'yes', 'tRUE', ' true']) assert.equal(parseBool(x), undefined, x);
  });

  it('reads metadata without an explicit oneof kind, in either spelling', () => {
    assert.equal(metadataBool({ metadata: { fields: { k: { bool_value: true } } } }, 'k'), true);
    assert.equal(metadataBool({ metadata: { fields: { k: { kind: 'bool_value', bool_value: true } } } }, 'k'), true);
    assert.equal(metadataBool({ metadata: { fields: { k: { stringValue: 'T' } } } }, 'k'), true);
    assert.equal(metadataBool({ metadata: { fields: { k: { string_value: 'false' } } } }, 'k'), false);
    assert.equal(metadataBool({ metadata: null }, 'k'), undefined);
  });
});
