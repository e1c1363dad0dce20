/**
 * Reading admin flag values, and rendering failures on one line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../command.js';
import { describeFailure, describeItemStatus } from '../../admin-client.js';
import { parseMatch, parsePageSize, parseSeconds, parseSelector, parseTimestamp } from './flags.js';
import { formatExpiry, formatTtl, jsonSafe, pemBlock, renderDetails } from './format.js';

describe('admin flag values', () => {
  const seconds: Array<[string, number]> = [
    ['90', 90],
    ['90s', 90],
    ['10m', 600],
    ['1h30m', 5400],
    ['2d', 172_800],
    ['0', 0],
  ];
  for (const [text, want] of seconds) {
    it(`reads the duration "${text}" as ${want} seconds`, () => assert.equal(parseSeconds(text, 'ttl'), want));
  }
  for (const text of ['', 'soon', '-5', '1.5s', '250ms', '3000000000', '100000d']) {
    it(`refuses the duration "${text}" naming the flag`, () => assert.throws(() => parseSeconds(text, 'ttl'), (e: unknown) => e instanceof UsageError && e.message.startsWith('--ttl ')));
  }

  const times: Array<[string, string]> = [
    ['2030-01-01T00:00:00Z', '1893456000'],
    ['2030-01-01T01:00:00+01:00', '1893456000'],
    ['2030-01-01T00:00:00.999Z', '1893456000'],
    ['1893456000', '1893456000'],
    ['0', '0'],
    ['never', '0'],
  ];
  for (const [text, want] of times) {
    it(`reads the time "${text}" as Unix seconds ${want}`, () => assert.equal(parseTimestamp(text, 'entry-expiry'), want));
  }
  for (const text of ['tomorrow', '2030-01-01', '2030-13-01T00:00:00Z', '99999999999999999999', '1969-12-31T23:59:59Z']) {
    it(`refuses the time "${text}"`, () => assert.throws(() => parseTimestamp(text, 'entry-expiry'), /--entry-expiry /));
  }

  const selectors: Array<[string, { type: string; value: string }]> = [
    ['unix:uid:1000', { type: 'unix', value: 'uid:1000' }],
    ['k8s:pod-label:app:web', { type: 'k8s', value: 'pod-label:app:web' }],
  ];
  for (const [text, want] of selectors) {
    it(`splits the selector "${text}" at the first colon`, () => assert.deepEqual(parseSelector(text), want));
  }
  for (const text of ['nocolon', ':value', 'type:']) {
    it(`refuses the selector "${text}" with the type:value rule`, () => assert.throws(() => parseSelector(text), /--selector must be written type:value/));
  }

  it('maps match modes to the wire enum', () => {
    assert.deepEqual(['exact', 'subset', 'superset', 'any'].map((m) => parseMatch(m)), ['SELECTOR_MATCH_EXACT', 'SELECTOR_MATCH_SUBSET', 'SELECTOR_MATCH_SUPERSET', 'SELECTOR_MATCH_ANY']);
    assert.throws(() => parseMatch('toString'), /--match must be one of/);
  });

  it('bounds the page size', () => {
    assert.equal(parsePageSize('1000'), 1000);
    for (const text of ['0', '1001', 'ten', '2.5']) assert.throws(() => parsePageSize(text), /--page-size/);
  });
});

describe('admin output', () => {
  it('renders a failure with its field once and its status name', () => {
    assert.equal(describeFailure('invalid_argument', 'entries[0].selectors: at least one selector is required', 'entries[0].selectors'), 'entries[0].selectors: at least one selector is required (InvalidArgument)');
    assert.equal(describeFailure('not_found', 'no such thing', 'id'), 'id: no such thing (NotFound)');
    assert.equal(describeItemStatus({ code: 9, message: 'in use', field: '' }), 'in use (FailedPrecondition)');
  });

  it('formats TTLs, expiries, PEM and details', () => {
    assert.deepEqual([formatTtl(0), formatTtl(5400)], ['default', '1h30m']);
    assert.deepEqual([formatExpiry('0'), formatExpiry('1893456000')], ['never', '2030-01-01T00:00:00Z']);
    assert.match(pemBlock('CERTIFICATE', new Uint8Array(100)), /^-----BEGIN CERTIFICATE-----\n(A{64}\n){2}A{6}==\n-----END CERTIFICATE-----\n$/);
    assert.equal(renderDetails([['A', 'x'], ['Long name', ['1', '2']], ['Empty', []]]), 'A:          x\nLong name:  1\nLong name:  2\n');
  });

  it('turns bytes into base64 for JSON, keeping int64 strings as they are', () => {
    assert.deepEqual(jsonSafe({ a: Buffer.from('hi'), b: [{ c: new Uint8Array([1]) }], n: '9223372036854775807' }), { a: 'aGk=', b: [{ c: 'AQ==' }], n: '9223372036854775807' });
  });
});
