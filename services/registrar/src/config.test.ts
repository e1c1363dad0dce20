import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema, ConfigError, loadConfig } from '@signet/platform';
import { DEFAULT_REGISTRAR_CONFIG, registrarLimits, registrarSection } from './config.js';

const schema = configSchema(registrarSection);

describe('registrar config section', () => {
  it('defaults to 2 weeks for X.509, 24 hours for JWT, 10 minute join tokens and pages of 100 up to 1000', () => {
    const { config } = loadConfig({ schema, env: {} });
    assert.deepEqual(config.registrar, DEFAULT_REGISTRAR_CONFIG);
    assert.deepEqual(registrarLimits(config.registrar), {
      maxX509SvidTtl: 1_209_600,
      maxJwtSvidTtl: 86_400,
      joinTokenTtl: 600,
      maxJoinTokenTtl: 86_400,
      defaultPageSize: 100,
      maxPageSize: 1000,
      maxBatchSize: 1000,
    });
  });

  it('reads durations and sizes from the environment', () => {
    const { config } = loadConfig({ schema, env: { SIGNET_REGISTRAR_MAX_JWT_SVID_TTL: '1h', SIGNET_REGISTRAR_MAX_PAGE_SIZE: '500' } });
    assert.equal(config.registrar.max_jwt_svid_ttl, 3_600_000);
    assert.equal(registrarLimits(config.registrar).maxPageSize, 500);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['a page size above the datastore limit', { SIGNET_REGISTRAR_MAX_PAGE_SIZE: '5000' }, /max_page_size/],
    ['a default join token TTL above the maximum', { SIGNET_REGISTRAR_JOIN_TOKEN_TTL: '2d' }, /join_token_ttl must not exceed max_join_token_ttl/],
    ['a default page size above the maximum', { SIGNET_REGISTRAR_DEFAULT_PAGE_SIZE: '200', SIGNET_REGISTRAR_MAX_PAGE_SIZE: '100' }, /default_page_size/],
  ];
  for (const [name, env, message] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => loadConfig({ schema, env }), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    });
  }
});
