// Type-level tests: the typed config is inferred from the schema. These assertions are
// checked by the compiler (`tsc -b` fails if inference regresses); the runtime test below
// checks that the values behind those types are what the types claim.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema, defineSection, type ConfigOf } from './config-schema.js';
import { coreSections, type CoreConfig } from './core-sections.js';
import { loadConfig } from './load.js';
import { s, type Infer } from './schema/index.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

const ca = s.object({
  ttl: s.duration().default(60_000),
  mode: s.enum(['a', 'b']),
  upstream: s.url().optional(),
  tags: s.list(s.string()).default([]),
  labels: s.record(s.int()).optional(),
  parsed: s.string().transform((v) => v.length),
});
type Ca = Infer<typeof ca>;

expectType<Equals<Ca['ttl'], number>>();
expectType<Equals<Ca['mode'], 'a' | 'b'>>();
expectType<Equals<Ca['upstream'], string | undefined>>();
expectType<Equals<Ca['tags'], readonly string[]>>();
expectType<Equals<Ca['labels'], Readonly<Record<string, number>> | undefined>>();
expectType<Equals<Ca['parsed'], number>>();
expectType<Equals<CoreConfig['log']['level'], 'trace' | 'debug' | 'info' | 'warn' | 'error'>>();
expectType<Equals<CoreConfig['database']['url'], string | undefined>>();
expectType<Equals<CoreConfig['telemetry']['prometheus']['port'], number | undefined>>();
expectType<Equals<CoreConfig['health']['port'], number>>();

const schema = configSchema(coreSections(), defineSection('ca', ca));
type Config = ConfigOf<typeof schema>;
expectType<Equals<Config['ca']['mode'], 'a' | 'b'>>();
expectType<Equals<Config['trust_domain'], string>>();

// Optional keys may be left out of a literal; required ones may not; all are read-only.
const partial: Ca = { ttl: 1, mode: 'a', tags: [], parsed: 3 };
// @ts-expect-error a required key is missing
const missing: Ca = { ttl: 1, tags: [], parsed: 3 };
void missing;
// @ts-expect-error config values are read-only
partial.ttl = 2;

describe('inferred config types', () => {
  it('match the values loaded', () => {
    const { config } = loadConfig({ schema, overrides: { 'ca.mode': 'b', 'ca.parsed': 'four' } });
    const mode: 'a' | 'b' = config.ca.mode;
    const parsed: number = config.ca.parsed;
    assert.equal(mode, 'b');
    assert.equal(parsed, 4);
    assert.deepEqual(config.ca.tags, []);
    assert.equal(config.ca.upstream, undefined);
  });
});
