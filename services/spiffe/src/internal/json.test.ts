// The strict JSON reader used for tokens and bundle documents.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isJsonObject, readJson } from './json.js';

class TestErr extends Error {}
const read = (s: string | Uint8Array, extra: { maxDepth?: number; bigIntegers?: boolean } = {}) =>
  readJson(s, { Err: TestErr, what: 'doc', ...extra });

describe('readJson agrees with JSON.parse on valid documents', () => {
  const docs = [
    '{}',
    '[]',
    ' {"a": [1, -2.5, 3e2, 0, -0, 1E-3], "b": {"c": null, "d": true, "e": false}} ',
    '"\\u00e9\\n\\t\\"\\\\\\/\\b\\f\\r"',
    '"\\ud83d\\ude00 and raw 😀"',
    '{"": 1, "constructor": 2, "toString": 3}',
    '123456789012',
    '[[[[[]]]]]',
  ];
  for (const d of docs) it(`reads ${d.trim().slice(0, 40)}`, () => assert.deepEqual(read(d), JSON.parse(d)));

  it('reads UTF-8 bytes', () => assert.deepEqual(read(Buffer.from('{"é":"ü"}')), { é: 'ü' }));
});

describe('readJson rejects what JSON.parse would quietly accept or mangle', () => {
  it('rejects a duplicate member name (Trust Domain and Bundle §6.3)', () => {
    assert.throws(() => read('{"a":1,"a":2}'), /duplicate member name "a"/);
  });

  it('rejects a duplicate spelled with escapes', () => {
    assert.throws(() => read('{"alg":"ES256","\\u0061lg":"none"}'), /duplicate member name "alg"/);
  });

  it('keeps "__proto__" as an ordinary member instead of replacing the prototype', () => {
    const v = read('{"__proto__": {"polluted": true}}');
    assert.ok(isJsonObject(v));
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal((v as Record<string, unknown>)['polluted'], undefined);
  });

  it('returns integers beyond 2^53 exactly as bigint when asked', () => {
    assert.equal(read('18446744073709551615', { bigIntegers: true }), 18446744073709551615n);
    assert.equal(read('-9007199254740993', { bigIntegers: true }), -9007199254740993n);
    assert.equal(read('9007199254740991', { bigIntegers: true }), 9007199254740991);
    assert.equal(read('1.5e300', { bigIntegers: true }), 1.5e300);
  });

  it('rounds large integers like JSON.parse when bigints are not asked for', () => {
    assert.equal(read('18446744073709551615'), 18446744073709551615);
  });

  it('refuses nesting deeper than the limit', () => {
    const deep = '['.repeat(33) + ']'.repeat(33);
    assert.throws(() => read(deep), /nesting deeper than 32 levels/);
    assert.deepEqual(read(deep, { maxDepth: 40 }), JSON.parse(deep));
  });

  it('survives 100 000 levels of nesting without a stack overflow', () => {
    assert.throws(() => read('['.repeat(100_000)), TestErr);
  });

  const bad: Array<[string, string]> = [
    ['an empty document', ''],
    ['trailing data', '{} x'],
    ['two values', '1 2'],
    ['a trailing comma in an object', '{"a":1,}'],
    ['a trailing comma in an array', '[1,]'],
    ['a leading zero', '01'],
    ['a bare minus', '-'],
    ['NaN', 'NaN'],
    ['Infinity', '1e400'],
    ['single quotes', "{'a':1}"],
    ['an unquoted name', '{a:1}'],
    ['a raw control character in a string', '"a\u0001b"'],
    ['an unterminated string', '"abc'],
    ['a bad escape', '"\\x41"'],
    ['a short unicode escape', '"\\u12"'],
    ['a comment', '{"a":1 /* c */}'],
    ['a misspelled literal', 'nul'],
    ['a 600-digit number', '1'.repeat(600)],
  ];
  for (const [name, text] of bad) {
    it(`rejects ${name}`, () => assert.throws(() => read(text), (e: Error) => e instanceof TestErr && e.message.startsWith('doc is not valid JSON')));
  }

  it('rejects invalid UTF-8 bytes', () => {
    assert.throws(() => read(Uint8Array.from([0x22, 0xff, 0x22])), /doc is not valid UTF-8/);
  });
});
