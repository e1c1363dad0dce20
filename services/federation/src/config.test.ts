import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema, loadConfig } from '@signet/platform';
import { federationSection } from './config.js';

const load = (overrides: Record<string, unknown> = {}, env: Record<string, string> = {}) =>
  loadConfig({ schema: configSchema(federationSection), overrides, env }).config.federation;

describe('federation config', () => {
  it('has working defaults', () => {
    assert.deepEqual(load(), {
      bundle_endpoint: { enabled: true, host: '127.0.0.1', port: 8443, profile: 'https_spiffe', path: '/' },
      fetch: {
        min_refresh_interval: 30_000,
        max_refresh_interval: 3_600_000,
        default_refresh_interval: 300_000,
        fetch_timeout: 10_000,
        max_bundle_size: 1_048_576,
        extra_ca_files: [],
      },
      oidc: { enabled: false, host: '127.0.0.1', port: 8444, max_age: 300_000 },
    });
  });

  it('reads durations, lists and the optional keys', () => {
    const c = load({
      'federation.bundle_endpoint.refresh_hint': '10m',
      'federation.bundle_endpoint.path': '/bundle.json',
      'federation.fetch.fetch_timeout': '2s',
      'federation.oidc.issuer': 'https://oidc.example.org',
    }, { SIGNET_FEDERATION_FETCH_EXTRA_CA_FILES: '["/etc/ca.pem"]' });
    assert.equal(c.bundle_endpoint.refresh_hint, 600_000);
    assert.equal(c.bundle_endpoint.path, '/bundle.json');
    assert.equal(c.fetch.fetch_timeout, 2_000);
    assert.deepEqual(c.fetch.extra_ca_files, ['/etc/ca.pem']);
    assert.equal(c.oidc.issuer, 'https://oidc.example.org');
  });

  it('refuses inconsistent settings', () => {
    assert.throws(() => load({ 'federation.bundle_endpoint.profile': 'https_web' }), /needs cert_file and key_file/);
    assert.throws(() => load({ 'federation.bundle_endpoint.cert_file': '/x.crt', 'federation.bundle_endpoint.key_file': '/x.key' }), /are for profile "https_web"/);
    assert.throws(() => load({ 'federation.bundle_endpoint.profile': 'http' }));
    assert.throws(() => load({ 'federation.bundle_endpoint.path': 'bundle' }));
    assert.throws(() => load({ 'federation.fetch.min_refresh_interval': '2h' }), /must not exceed max_refresh_interval/);
    assert.throws(() => load({ 'federation.oidc.cert_file': '/x.crt' }), /go together/);
    assert.throws(() => load({ 'federation.oidc.issuer': 'ftp://x' }));
    assert.equal(load({ 'federation.bundle_endpoint.profile': 'https_web', 'federation.bundle_endpoint.cert_file': '/c', 'federation.bundle_endpoint.key_file': '/k' }).bundle_endpoint.profile, 'https_web');
  });
});
