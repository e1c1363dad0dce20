import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coreConfigSchema } from './core-sections.js';
import { ConfigError } from './errors.js';
import { loadConfig } from './load.js';

function attempt(overrides: Record<string, unknown>): string[] {
  try {
    loadConfig({ schema: coreConfigSchema, overrides });
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

describe('core sections', () => {
  const trustDomains: [string, boolean][] = [
    ['example.org', true],
    ['prod-1.example_internal', true],
    ['a', true],
    ['x'.repeat(255), true],
    ['x'.repeat(256), false],
    ['Example.org', false],
    ['example.org:8080', false],
    ['spiffe://example.org', false],
    ['exa mple.org', false],
  ];
  for (const [value, valid] of trustDomains) {
    it(`${valid ? 'accepts' : 'rejects'} the trust domain ${JSON.stringify(value.length > 20 ? `${value.slice(0, 8)}…(${value.length})` : value)}`, () => {
      const problems = attempt({ trust_domain: value });
      assert.equal(problems.length, valid ? 0 : 1, problems.join('\n'));
      if (!valid) assert.match(problems[0] ?? '', /^trust_domain: expected a trust domain name/);
    });
  }

  const values: { name: string; overrides: Record<string, unknown>; problem?: string }[] = [
    { name: 'a postgres database URL', overrides: { 'database.url': 'postgresql://db:5432/signet' } },
    {
      name: 'a database URL of another scheme',
      overrides: { 'database.url': 'mysql://db/signet' },
      problem: 'database.url: expected a URL starting with postgres:// or postgresql://, got a value (hidden: secret field)',
    },
    { name: 'a pool size of 0', overrides: { 'database.pool_size': 0 }, problem: 'database.pool_size: expected an integer from 1 to 1000, got 0' },
    { name: 'a statement timeout of 0 (disabled)', overrides: { 'database.statement_timeout': '0s' } },
    {
      name: 'a statement timeout over an hour',
      overrides: { 'database.statement_timeout': '2h' },
      problem: 'database.statement_timeout: expected a duration from 0s to 1h, got "2h"',
    },
    { name: 'the trace log level', overrides: { 'log.level': 'trace' } },
    {
      name: 'the fatal log level',
      overrides: { 'log.level': 'fatal' },
      problem: 'log.level: expected one of "trace", "debug", "info", "warn", "error", got "fatal"',
    },
    { name: 'the pretty log format', overrides: { 'log.format': 'pretty' } },
    {
      name: 'an uppercase service name',
      overrides: { 'telemetry.service_name': 'Signet' },
      problem: 'telemetry.service_name: expected a lowercase service name such as "signet", got "Signet"',
    },
    { name: 'a Prometheus port', overrides: { 'telemetry.prometheus.port': 9464 } },
    {
      name: 'an OTLP endpoint without a scheme',
      overrides: { 'telemetry.otlp.endpoint': 'collector:4318' },
      problem: 'telemetry.otlp.endpoint: expected a URL starting with http:// or https://, got "collector:4318"',
    },
    {
      name: 'the OTLP protobuf protocol, which is not built in',
      overrides: { 'telemetry.otlp.protocol': 'http/protobuf' },
      problem: 'telemetry.otlp.protocol: expected "http/json", got "http/protobuf"',
    },
    {
      name: 'an OTLP interval under a second',
      overrides: { 'telemetry.otlp.interval': '500ms' },
      problem: 'telemetry.otlp.interval: expected a duration from 1s to 1h, got "500ms"',
    },
    {
      name: 'a numeric resource attribute',
      overrides: { 'telemetry.resource_attributes': { replicas: 3 } },
      problem: 'telemetry.resource_attributes.replicas: expected a string, got 3',
    },
    { name: 'a health host of 0.0.0.0', overrides: { 'health.host': '0.0.0.0' } },
    { name: 'a health port above 65535', overrides: { 'health.port': 65536 }, problem: 'health.port: expected an integer from 0 to 65535, got 65536' },
  ];
  for (const c of values) {
    it(`${c.problem === undefined ? 'accepts' : 'rejects'} ${c.name}`, () => {
      assert.deepEqual(attempt(c.overrides), c.problem === undefined ? [] : [c.problem]);
    });
  }
});
