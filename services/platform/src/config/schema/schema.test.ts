import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INVALID, ParseContext, s, type Schema } from './index.js';

function run<T>(schema: Schema<T>, value: unknown): { value: T | typeof INVALID; issues: string[] } {
  const ctx = new ParseContext();
  const result = schema.parse(value, ['k'], ctx);
  return { value: result, issues: ctx.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
}

interface Case {
  name: string;
  schema: Schema<unknown>;
  input: unknown;
  output?: unknown;
  issues?: string[];
}

const cases: Case[] = [
  // strings
  { name: 'string accepts a string', schema: s.string(), input: 'x', output: 'x' },
  { name: 'string rejects a number', schema: s.string(), input: 12, issues: ['k: expected a string, got 12'] },
  {
    name: 'string enforces a minimum length',
    schema: s.string({ minLength: 1 }),
    input: '',
    issues: ['k: expected a non-empty string, got an empty string'],
  },
  {
    name: 'string pattern must match the whole value',
    schema: s.string({ pattern: /[a-z]+/, description: 'lowercase letters' }),
    input: 'abc1',
    issues: ['k: expected lowercase letters, got "abc1"'],
  },
  // integers
  { name: 'int accepts a whole number in range', schema: s.int({ min: 0, max: 10 }), input: 10, output: 10 },
  {
    name: 'int rejects a fraction',
    schema: s.int(),
    input: 1.5,
    issues: ['k: expected an integer, got 1.5'],
  },
  {
    name: 'int rejects a value above the maximum',
    schema: s.int({ min: 0, max: 65535 }),
    input: 70000,
    issues: ['k: expected an integer from 0 to 65535, got 70000'],
  },
  {
    name: 'int rejects a numeric string in the file',
    schema: s.int({ min: 1 }),
    input: '5',
    issues: ['k: expected an integer of at least 1, got "5"'],
  },
  // booleans
  { name: 'bool accepts false', schema: s.bool(), input: false, output: false },
  { name: 'bool rejects "yes" in the file', schema: s.bool(), input: 'yes', issues: ['k: expected true or false, got "yes"'] },
  // enums
  { name: 'enum accepts a listed value', schema: s.enum(['a', 'b']), input: 'b', output: 'b' },
  {
    name: 'enum suggests a near miss',
    schema: s.enum(['debug', 'info']),
    input: 'inf',
    issues: ['k: expected one of "debug", "info", got "inf" (did you mean "info"?)'],
  },
  {
    name: 'enum is case-sensitive',
    schema: s.enum(['json', 'pretty']),
    input: 'JSON',
    issues: ['k: expected one of "json", "pretty", got "JSON" (did you mean "json"?)'],
  },
  // durations
  { name: 'duration yields milliseconds', schema: s.duration(), input: '1h30m', output: 5_400_000 },
  {
    name: 'duration rejects a bare number',
    schema: s.duration(),
    input: 12,
    issues: ['k: expected a duration such as "1h" or "90s", got 12'],
  },
  {
    name: 'duration enforces bounds',
    schema: s.duration({ min: '1m', max: '1h' }),
    input: '30s',
    issues: ['k: expected a duration from 1m to 1h, got "30s"'],
  },
  // urls
  { name: 'url keeps the text as written', schema: s.url(), input: 'http://h:4318', output: 'http://h:4318' },
  {
    name: 'url rejects a relative reference',
    schema: s.url(),
    input: 'localhost:4318/x',
    issues: ['k: expected an absolute URL such as "https://host:port", got "localhost:4318/x"'],
  },
  {
    name: 'url restricts the scheme',
    schema: s.url({ protocols: ['postgres:', 'postgresql:'] }),
    input: 'mysql://db/x',
    issues: ['k: expected a URL starting with postgres:// or postgresql://, got "mysql://db/x"'],
  },
  // lists and maps
  { name: 'list parses every item', schema: s.list(s.int()), input: [1, 2], output: [1, 2] },
  {
    name: 'list reports every bad item by index',
    schema: s.list(s.int()),
    input: [1, 'x', 3, true],
    issues: ['k.1: expected an integer, got "x"', 'k.3: expected an integer, got true'],
  },
  {
    name: 'list enforces its item count',
    schema: s.list(s.string(), { minItems: 1 }),
    input: [],
    issues: ['k: expected a list of a string (at least 1), got 0 items'],
  },
  { name: 'record parses each value', schema: s.record(s.string()), input: { a: 'x' }, output: { a: 'x' } },
  {
    name: 'record rejects a list',
    schema: s.record(s.string()),
    input: ['a'],
    issues: ['k: expected a mapping of names to a string, got a list'],
  },
  {
    name: 'record checks its keys',
    schema: s.record(s.string(), { keyPattern: /[a-z-]+/, keyDescription: 'a lowercase header name' }),
    input: { Bad_Key: 'x' },
    issues: ['k.Bad_Key: expected the key to be a lowercase header name, got "Bad_Key"'],
  },
  // objects
  {
    name: 'object applies defaults and reports every problem',
    schema: s.object({ a: s.int().default(1), b: s.string(), c: s.bool() }),
    input: { c: 'no', z: 1 },
    issues: [
      'k.z: unknown key (expected one of: a, b, c)',
      'k.b: missing required key, expected a string',
      'k.c: expected true or false, got "no"',
    ],
  },
  {
    name: 'object suggests the key meant',
    schema: s.object({ pool_size: s.int().optional() }),
    input: { pool_sise: 3 },
    issues: ['k.pool_sise: unknown key (did you mean "pool_size"?)'],
  },
  {
    name: 'absent object takes the defaults of its keys',
    schema: s.object({ port: s.int().default(0), host: s.string().optional() }),
    input: undefined,
    output: { port: 0 },
  },
  {
    name: 'null (an empty YAML value) counts as absent',
    schema: s.object({ port: s.int().default(7) }),
    input: { port: null },
    output: { port: 7 },
  },
  // wrappers
  { name: 'optional yields undefined when absent', schema: s.int().optional(), input: undefined, output: undefined },
  {
    name: 'refine reports the reason returned',
    schema: s.int().refine((v) => (v % 2 === 0 ? undefined : 'expected an even number')),
    input: 3,
    issues: ['k: expected an even number, got 3'],
  },
  {
    name: 'refine reports the message of a thrown error',
    schema: s.string().refine((v) => {
      if (!v.startsWith('spiffe://')) throw new Error('not a SPIFFE ID');
    }),
    input: 'http://x',
    issues: ['k: not a SPIFFE ID, got "http://x"'],
  },
  {
    name: 'refine also checks a default',
    schema: s.string().default('BAD').refine((v) => (v === v.toLowerCase() ? undefined : 'expected lowercase')),
    input: undefined,
    issues: ['k: expected lowercase, got "BAD"'],
  },
  {
    name: 'refine is skipped when the base check failed',
    schema: s.int().refine(() => 'never'),
    input: 'x',
    issues: ['k: expected an integer, got "x"'],
  },
  {
    name: 'transform maps the value',
    schema: s.string().transform((v) => v.split(',')),
    input: 'a,b',
    output: ['a', 'b'],
  },
  {
    name: 'transform that throws becomes a problem',
    schema: s.string().transform((v) => {
      if (v === '') throw new Error('expected text');
      return v;
    }),
    input: '',
    issues: ['k: expected text, got an empty string'],
  },
  {
    name: 'secret values are never echoed',
    schema: s.url().secret(),
    input: 'not a url hunter2',
    issues: ['k: expected an absolute URL such as "https://host:port", got a value (hidden: secret field)'],
  },
  {
    name: 'missing required key names what was expected',
    schema: s.duration(),
    input: undefined,
    issues: ['k: missing required key, expected a duration such as "1h" or "90s"'],
  },
];

describe('schema DSL', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { value, issues } = run(c.schema, c.input);
      if (c.issues !== undefined) {
        assert.deepEqual(issues, c.issues);
        assert.equal(value, INVALID);
      } else {
        assert.deepEqual(issues, []);
        assert.deepEqual(value, c.output);
      }
    });
  }

  it('freezes parsed objects and lists', () => {
    const { value } = run(s.object({ l: s.list(s.int()) }), { l: [1] });
    assert.ok(Object.isFrozen(value));
    assert.ok(Object.isFrozen((value as { l: number[] }).l));
  });

  it('gives each absent key its own copy of an object default', () => {
    const schema = s.record(s.string()).default({ a: 'x' });
    const first = run(schema, undefined).value;
    const second = run(schema, undefined).value;
    assert.notEqual(first, second);
    assert.deepEqual(first, { a: 'x' });
  });

  it('rejects key names that cannot become environment variables', () => {
    assert.throws(() => s.object({ 'Bad-Key': s.int() }), /snake_case/);
  });

  const envCases: { name: string; schema: Schema<unknown>; raw: string; expected: unknown }[] = [
    { name: 'int reads digits', schema: s.int(), raw: ' 8080 ', expected: 8080 },
    { name: 'int keeps other text for the error', schema: s.int(), raw: '80a', expected: '80a' },
    { name: 'bool reads yes', schema: s.bool(), raw: 'YES', expected: true },
    { name: 'bool reads 0', schema: s.bool(), raw: '0', expected: false },
    { name: 'list reads comma-separated items', schema: s.list(s.int()), raw: '1, 2,3', expected: [1, 2, 3] },
    { name: 'list reads a JSON array', schema: s.list(s.string()), raw: '["a,b","c"]', expected: ['a,b', 'c'] },
    {
      name: 'record reads percent-encoded pairs',
      schema: s.record(s.string()),
      raw: 'team=a%2Cb, env=prod',
      expected: { team: 'a,b', env: 'prod' },
    },
    { name: 'record reads a JSON object', schema: s.record(s.string()), raw: '{"a":"1"}', expected: { a: '1' } },
    { name: 'record keeps malformed text for the error', schema: s.record(s.string()), raw: 'novalue', expected: 'novalue' },
    { name: 'wrappers read like their base', schema: s.int().optional().default(3), raw: '4', expected: 4 },
  ];
  for (const c of envCases) {
    it(`from the environment: ${c.name}`, () => assert.deepEqual(c.schema.fromEnv(c.raw), c.expected));
  }
});
