import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, configSchema, coreSections, loadConfig } from '@signet/platform';
import { caSection } from './config.js';

const schema = configSchema(coreSections(), caSection);

function problems(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  return assert.fail('expected a ConfigError');
}

describe('ca config section', () => {
  it('has working defaults', () => {
    const { ca } = loadConfig({ schema }).config;
    assert.deepEqual(ca, {
      key_manager: 'disk',
      key_types: { x509_ca: 'ec-p256', jwt: 'ec-p256', svid: 'ec-p256' },
      ca_ttl: 86_400_000,
      jwt_key_ttl: 86_400_000,
      x509_svid_ttl: 3_600_000,
      agent_svid_ttl: 3_600_000,
      jwt_svid_ttl: 300_000,
      agent_path_prefix: '/spire/agent',
      subject: { organization: 'SPIFFE' },
      upstream: { type: 'self-signed' },
      refresh_hint: 300_000,
      rate_limit: { per_second: 1000, burst: 2000 },
      rotation_interval: 10_000,
      ledger: { flush_interval: 25, max_batch: 1000, retention: 3_600_000 },
    });
  });

  it('reads every key from the environment', () => {
    const { ca } = loadConfig({
      schema,
      env: {
        SIGNET_CA_KEY_MANAGER: 'memory',
        SIGNET_CA_KEY_TYPES_X509_CA: 'rsa-4096',
        SIGNET_CA_CA_TTL: '48h',
        SIGNET_CA_JWT_ISSUER: 'https://oidc.example.org',
        SIGNET_CA_UPSTREAM_TYPE: 'disk',
        SIGNET_CA_UPSTREAM_DISK_CERT_FILE: 'upstream.crt',
        SIGNET_CA_UPSTREAM_DISK_KEY_FILE: 'upstream.key',
        SIGNET_CA_RATE_LIMIT_PER_SECOND: '0',
      },
    }).config;
    assert.equal(ca.key_manager, 'memory');
    assert.equal(ca.key_types.x509_ca, 'rsa-4096');
    assert.equal(ca.ca_ttl, 172_800_000);
    assert.equal(ca.jwt_issuer, 'https://oidc.example.org');
    assert.deepEqual(ca.upstream, { type: 'disk', disk: { cert_file: 'upstream.crt', key_file: 'upstream.key' } });
    assert.equal(ca.rate_limit.per_second, 0);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown key type', { 'ca.key_types.jwt': 'ed25519' }, /ca\.key_types\.jwt/],
    ['a disk upstream without files', { 'ca.upstream.type': 'disk' }, /ca\.upstream.*disk\.cert_file/],
    ['a CA lifetime under ten minutes', { 'ca.ca_ttl': '5m' }, /ca\.ca_ttl/],
    ['an agent path that is not a path', { 'ca.agent_path_prefix': 'spire/agent' }, /ca\.agent_path_prefix/],
    ['a country that is not a code', { 'ca.subject.country': 'France' }, /ca\.subject\.country/],
  ];
  for (const [name, overrides, message] of bad) {
    it(`refuses ${name}`, () => assert.match(problems(() => loadConfig({ schema, overrides })), message));
  }
});
