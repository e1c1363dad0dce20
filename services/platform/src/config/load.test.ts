import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema, defineSection } from './config-schema.js';
import { coreConfigSchema, coreSections } from './core-sections.js';
import { ConfigError, formatProblem, type ConfigProblem } from './errors.js';
import { checkConfigFile, loadConfig } from './load.js';
import { s } from './schema/index.js';

const dir = mkdtempSync(join(tmpdir(), 'signet-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function yamlFile(text: string): string {
  const path = join(dir, `config-${++fileCount}.yaml`);
  writeFileSync(path, text);
  return path;
}

function problemsOf(fn: () => unknown): readonly ConfigProblem[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'ERR_CONFIG_INVALID');
    return err.problems;
  }
  assert.fail('expected loadConfig to throw');
}

const caSchema = configSchema(
  coreSections(),
  defineSection(
    'ca',
    s.object({
      x509_svid_ttl: s.duration({ min: '1m', max: '30d' }).default(3_600_000),
      key_type: s.enum(['ec-p256', 'rsa-2048']).default('ec-p256'),
    }),
  ),
);

describe('loadConfig', () => {
  it('yields every default when nothing is set', () => {
    const { config, sources } = loadConfig({ schema: coreConfigSchema });
    assert.deepEqual(config, {
      trust_domain: 'example.org',
      data_dir: './.signet',
      database: { pool_size: 10, statement_timeout: 30_000 },
      log: { level: 'info', format: 'json' },
      telemetry: {
        service_name: 'signet',
        prometheus: { enabled: true, host: '127.0.0.1' },
        otlp: { protocol: 'http/json', headers: {}, interval: 60_000 },
        resource_attributes: {},
      },
      health: { host: '127.0.0.1', port: 0 },
    });
    assert.equal(sources['health.port'], 'default');
    assert.equal(sources['database.url'], undefined, 'unset optional keys have no source');
  });

  const precedence: {
    name: string;
    env?: Record<string, string>;
    overrides?: Record<string, unknown>;
    port: number;
    source: string;
  }[] = [
    { name: 'the file beats the default', port: 1000, source: 'file' },
    { name: 'the environment beats the file', env: { SIGNET_HEALTH_PORT: '2000' }, port: 2000, source: 'env' },
    {
      name: 'overrides beat the environment',
      env: { SIGNET_HEALTH_PORT: '2000' },
      overrides: { health: { port: 3000 } },
      port: 3000,
      source: 'override',
    },
    {
      name: 'an empty variable unsets the key so the default applies',
      env: { SIGNET_HEALTH_PORT: '' },
      port: 0,
      source: 'default',
    },
  ];
  for (const c of precedence) {
    it(`applies precedence: ${c.name}`, () => {
      const file = yamlFile('health:\n  port: 1000\n  host: 0.0.0.0\n');
      const { config, sources } = loadConfig({
        schema: coreConfigSchema,
        file,
        ...(c.env ? { env: c.env } : {}),
        ...(c.overrides ? { overrides: c.overrides } : {}),
      });
      assert.equal(config.health.port, c.port);
      assert.equal(sources['health.port'], c.source);
      assert.equal(config.health.host, '0.0.0.0', 'sibling keys from the file survive');
      assert.equal(sources['health.host'], 'file');
    });
  }

  it('reports every problem in the file at once, with lines and columns', () => {
    const file = yamlFile(
      [
        'trust_domain: Example.ORG', // 1
        'database:', // 2
        '  pool_sise: 5', // 3
        '  statement_timeout: 12', // 4
        'log:', // 5
        '  level: verbose', // 6
        'ca:', // 7
        '  x509_svid_ttl: 12', // 8
        'helth: {}', // 9
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig({ schema: caSchema, file }));
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.path, p.message]),
      [
        [
          1,
          15,
          'trust_domain',
          'expected a trust domain name: 1 to 255 lowercase letters, digits, ".", "-" or "_", got "Example.ORG"',
        ],
        [3, 3, 'database.pool_sise', 'unknown key (did you mean "pool_size"?)'],
        [4, 22, 'database.statement_timeout', 'expected a duration such as "1h" or "90s", got 12'],
        [6, 10, 'log.level', 'expected one of "trace", "debug", "info", "warn", "error", got "verbose"'],
        [8, 18, 'ca.x509_svid_ttl', 'expected a duration such as "1h" or "90s", got 12'],
        [9, 1, 'helth', 'unknown key (did you mean "health"?)'],
      ],
    );
    assert.ok(problems.every((p) => p.source === 'file' && p.file === file));
    assert.equal(
      formatProblem(problems[4] as ConfigProblem),
      `${file}:8:18: ca.x509_svid_ttl: expected a duration such as "1h" or "90s", got 12`,
    );
  });

  it('names the environment variable a bad value came from', () => {
    const problems = problemsOf(() =>
      loadConfig({
        schema: coreConfigSchema,
        env: { SIGNET_HEALTH_PORT: 'eighty', SIGNET_TELEMETRY_OTLP_ENDPOINT: 'localhost:4318' },
      }),
    );
    assert.deepEqual(problems.map(formatProblem), [
      'environment variable SIGNET_TELEMETRY_OTLP_ENDPOINT: telemetry.otlp.endpoint: expected a URL starting with http:// or https://, got "localhost:4318"',
      'environment variable SIGNET_HEALTH_PORT: health.port: expected an integer from 0 to 65535, got "eighty"',
    ]);
    assert.equal(problems[1]?.env, 'SIGNET_HEALTH_PORT');
  });

  it('marks problems in overrides as such', () => {
    const problems = problemsOf(() => loadConfig({ schema: coreConfigSchema, overrides: { 'log.format': 'xml' } }));
    assert.deepEqual(problems.map(formatProblem), [
      'override: log.format: expected one of "json", "pretty", got "xml"',
    ]);
  });

  it('lists every problem in the ConfigError message', () => {
    try {
      loadConfig({ schema: coreConfigSchema, overrides: { 'health.port': -1, 'log.level': 'loud' } });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^invalid configuration \(2 problems\):\n {2}- override: log\.level: .*\n {2}- override: health\.port: /);
    }
  });

  it('reads dotted and nested overrides, converting strings like environment values', () => {
    const { config, sources } = loadConfig({
      schema: coreConfigSchema,
      overrides: {
        'health.port': '8080',
        telemetry: { prometheus: { enabled: 'false' } },
        'telemetry.resource_attributes.service.namespace': 'mesh',
      },
    });
    assert.equal(config.health.port, 8080);
    assert.equal(config.telemetry.prometheus.enabled, false);
    assert.deepEqual(config.telemetry.resource_attributes, { 'service.namespace': 'mesh' });
    assert.equal(sources['telemetry.resource_attributes'], 'override');
  });

  it('reads maps from key=value environment variables', () => {
    const { config } = loadConfig({
      schema: coreConfigSchema,
      env: {
        SIGNET_TELEMETRY_OTLP_HEADERS: 'authorization=Bearer%20abc123,x-tenant=t1',
        SIGNET_TELEMETRY_RESOURCE_ATTRIBUTES: 'deployment.environment=prod',
      },
    });
    assert.deepEqual(config.telemetry.otlp.headers, { authorization: 'Bearer abc123', 'x-tenant': 't1' });
    assert.deepEqual(config.telemetry.resource_attributes, { 'deployment.environment': 'prod' });
  });

  it('collects secret values, including the database password', () => {
    const { secrets } = loadConfig({
      schema: coreConfigSchema,
      env: {
        SIGNET_DATABASE_URL: 'postgres://signet:p%40ssw0rd!@db:5432/signet',
        SIGNET_TELEMETRY_OTLP_HEADERS: 'authorization=Bearer%20abc123',
      },
    });
    assert.deepEqual([...secrets].sort(), ['Bearer abc123', 'p@ssw0rd!', 'postgres://signet:p%40ssw0rd!@db:5432/signet']);
  });

  it('never echoes a secret value in a problem', () => {
    const problems = problemsOf(() =>
      loadConfig({ schema: coreConfigSchema, env: { SIGNET_DATABASE_URL: 'mysql://root:topsecret@db/x' } }),
    );
    assert.equal(problems.length, 1);
    assert.ok(!formatProblem(problems[0] as ConfigProblem).includes('topsecret'));
  });

  it('takes a service section and its environment variables', () => {
    const file = yamlFile('ca:\n  x509_svid_ttl: 2h\n');
    const { config, sources } = loadConfig({ schema: caSchema, file, env: { SIGNET_CA_KEY_TYPE: 'rsa-2048' } });
    assert.equal(config.ca.x509_svid_ttl, 7_200_000);
    assert.equal(config.ca.key_type, 'rsa-2048');
    assert.equal(sources['ca.key_type'], 'env');
  });

  it('plugs a custom trust domain check after the built-in rule', () => {
    const schema = configSchema(
      coreSections({
        checkTrustDomain: (value) => {
          if (value.endsWith('.local')) throw new Error('trust domain must not be a .local name');
        },
      }),
    );
    assert.equal(loadConfig({ schema, overrides: { trust_domain: 'prod.example' } }).config.trust_domain, 'prod.example');
    const problems = problemsOf(() => loadConfig({ schema, env: { SIGNET_TRUST_DOMAIN: 'mesh.local' } }));
    assert.deepEqual(problems.map((p) => p.message), ['trust domain must not be a .local name, got "mesh.local"']);
  });

  const fileProblems: { name: string; text: string; message: RegExp; line?: number }[] = [
    { name: 'a YAML syntax error', text: 'health:\n  port: [1, 2\n', message: /^invalid YAML: /, line: 3 },
    { name: 'a duplicate key', text: 'log:\n  level: info\n  level: warn\n', message: /^invalid YAML: .*unique/i, line: 3 },
    { name: 'a list at the top level', text: '- a\n- b\n', message: /^expected a mapping of config sections, got a list$/ },
    { name: 'a section that is not a mapping', text: 'health: 8080\n', message: /^expected a mapping, got 8080$/ },
  ];
  for (const c of fileProblems) {
    it(`reports ${c.name}`, () => {
      const problems = problemsOf(() => loadConfig({ schema: coreConfigSchema, file: yamlFile(c.text) }));
      assert.equal(problems.length, 1);
      assert.match(problems[0]?.message ?? '', c.message);
      if (c.line !== undefined) assert.equal(problems[0]?.line, c.line);
    });
  }

  it('treats an empty file as all defaults', () => {
    const { config } = loadConfig({ schema: coreConfigSchema, file: yamlFile('# nothing yet\n') });
    assert.equal(config.trust_domain, 'example.org');
  });

  it('reports a missing file', () => {
    const problems = problemsOf(() => loadConfig({ schema: coreConfigSchema, file: join(dir, 'absent.yaml') }));
    assert.match(formatProblem(problems[0] as ConfigProblem), /absent\.yaml: cannot read the config file \(file not found\)$/);
  });

  it('freezes the config', () => {
    const { config } = loadConfig({ schema: coreConfigSchema });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.telemetry.otlp));
  });
});

describe('checkConfigFile', () => {
  it('returns no problems for a valid file', () => {
    assert.deepEqual(checkConfigFile(yamlFile('trust_domain: prod.example\nhealth:\n  port: 8080\n')), []);
  });

  it('returns the problems instead of throwing, ignoring the environment', () => {
    const problems = checkConfigFile(yamlFile('health:\n  port: 99999\n'));
    assert.deepEqual(problems.map(formatProblem).map((p) => p.replace(/^.*config-\d+\.yaml/, 'f')), [
      'f:2:9: health.port: expected an integer from 0 to 65535, got 99999',
    ]);
  });

  it('checks service sections when given the full schema', () => {
    const file = yamlFile('ca:\n  key_type: ec-p384\n');
    assert.equal(checkConfigFile(file)[0]?.message, 'unknown key (expected one of: trust_domain, data_dir, database, log, telemetry, health)');
    assert.deepEqual(checkConfigFile(file, caSchema).map((p) => p.path), ['ca.key_type']);
  });
});
