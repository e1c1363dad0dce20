import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from './config-schema.js';
import { coreConfigSchema } from './core-sections.js';
import { envVarName, readEnv } from './env.js';
import { s } from './schema/index.js';

describe('environment variable names', () => {
  const expected: [string, string][] = [
    ['SIGNET_TRUST_DOMAIN', 'trust_domain'],
    ['SIGNET_DATA_DIR', 'data_dir'],
    ['SIGNET_DATABASE_URL', 'database.url'],
    ['SIGNET_DATABASE_POOL_SIZE', 'database.pool_size'],
    ['SIGNET_LOG_LEVEL', 'log.level'],
    ['SIGNET_TELEMETRY_OTLP_ENDPOINT', 'telemetry.otlp.endpoint'],
    ['SIGNET_TELEMETRY_OTLP_HEADERS', 'telemetry.otlp.headers'],
    ['SIGNET_TELEMETRY_PROMETHEUS_PORT', 'telemetry.prometheus.port'],
    ['SIGNET_TELEMETRY_RESOURCE_ATTRIBUTES', 'telemetry.resource_attributes'],
    ['SIGNET_HEALTH_PORT', 'health.port'],
  ];
  for (const [name, path] of expected) {
    it(`binds ${name} to ${path}`, () => {
      assert.equal(coreConfigSchema.env.get(name)?.path.join('.'), path);
    });
  }

  it('binds only leaves, never whole sections', () => {
    assert.equal(coreConfigSchema.env.has('SIGNET_DATABASE'), false);
    assert.equal(coreConfigSchema.env.has('SIGNET_TELEMETRY_OTLP'), false);
  });

  it('marks secret keys', () => {
    assert.equal(coreConfigSchema.env.get('SIGNET_DATABASE_URL')?.secret, true);
    assert.equal(coreConfigSchema.env.get('SIGNET_TELEMETRY_OTLP_HEADERS')?.secret, true);
    assert.equal(coreConfigSchema.env.get('SIGNET_HEALTH_PORT')?.secret, false);
  });

  it('builds names from paths', () => assert.equal(envVarName(['a_b', 'c']), 'SIGNET_A_B_C'));

  it('refuses two keys that map to the same variable', () => {
    assert.throws(
      () => configSchema({ a_b: s.object({ c: s.int() }), a: s.object({ b_c: s.int() }) }),
      /"a_b.c" and "a.b_c" both map to SIGNET_A_B_C/,
    );
  });

  it('refuses a key that would take SIGNET_CONFIG', () => {
    assert.throws(() => configSchema({ config: s.string() }), /reserved variable SIGNET_CONFIG/);
  });

  it('extends a root with more sections and their variables', () => {
    const extended = coreConfigSchema.extend({ registrar: s.object({ port: s.int().default(8081) }) });
    assert.equal(extended.env.get('SIGNET_REGISTRAR_PORT')?.path.join('.'), 'registrar.port');
    assert.ok(extended.sections.includes('health') && extended.sections.includes('registrar'));
    assert.equal(coreConfigSchema.env.has('SIGNET_REGISTRAR_PORT'), false, 'the original is unchanged');
    assert.throws(() => extended.extend({ health: s.object({}) }), /"health" is defined twice/);
  });

  it('refuses a section defined twice', () => {
    assert.throws(() => configSchema({ ca: s.object({}) }, { ca: s.object({}) }), /"ca" is defined twice/);
  });
});

describe('readEnv', () => {
  it('reads set variables by their schema and ignores unrelated ones', () => {
    const values = readEnv(coreConfigSchema.env, {
      SIGNET_HEALTH_PORT: '9090',
      SIGNET_SERVICE_HOST: '10.0.0.1',
      SIGNET_DATABASE_URL: '',
      PATH: '/usr/bin',
    });
    const byName = Object.fromEntries(values.map((v) => [v.binding.name, v.value]));
    assert.deepEqual(byName, { SIGNET_HEALTH_PORT: 9090, SIGNET_DATABASE_URL: null });
  });
});
