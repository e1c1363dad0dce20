import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, configSchema, coreSections, loadConfig } from '@signet/platform';
import { attestationSection } from './config.js';

describe('attestation config section', () => {
  let dir: string;
  const schema = configSchema(coreSections(), attestationSection);
  const load = async (yaml: string) => {
    const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
    return loadConfig({ schema, file }).config.attestation;
  };
  const problems = async (yaml: string) => {
    try {
      await load(yaml);
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.message;
    }
    return assert.fail('expected a ConfigError');
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-attestation-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has defaults: 1 h agent SVIDs, join tokens on, x509pop and k8s_psat off, 500 entries or 1 MiB per message', async () => {
    const config = await load('trust_domain: example.org\n');
    assert.equal(config.agent_svid_ttl, 3_600_000);
    assert.equal(config.challenge_timeout, 30_000);
    assert.equal(config.join_token.enabled, true);
    assert.deepEqual(config.x509pop.ca_bundle_paths, []);
    assert.equal(config.x509pop.fingerprint, 'sha1');
    assert.deepEqual(config.k8s_psat.clusters, {});
    assert.equal(config.sync.max_entries_per_message, 500);
    assert.equal(config.sync.max_message_bytes, 1_048_576);
  });

  it('reads every attestor', async () => {
    const config = await load(`
attestation:
  agent_svid_ttl: 30m
  join_token: { enabled: false }
  x509pop:
    ca_bundle_paths: [/etc/signet/node-ca.pem]
    fingerprint: sha256
    agent_path_template: "dc1/{fingerprint}"
  k8s_psat:
    clusters:
      prod:
        service_account_allow_list: ["spire:spire-agent"]
        api_server: { url: "https://10.0.0.1:6443", ca_file: /ca.pem, token_file: /token }
        use_token_review: true
      edge:
        service_account_allow_list: ["spire:agent"]
        audience: edge-signet
        jwks_file: /etc/signet/edge-jwks.json
`);
    assert.equal(config.agent_svid_ttl, 1_800_000);
    assert.equal(config.join_token.enabled, false);
    assert.equal(config.x509pop.agent_path_template, 'dc1/{fingerprint}');
    assert.equal(config.k8s_psat.clusters['prod']?.use_token_review, true);
    assert.equal(config.k8s_psat.clusters['prod']?.audience, 'signet-server');
    assert.equal(config.k8s_psat.clusters['edge']?.jwks_file, '/etc/signet/edge-jwks.json');
  });

  const invalid = [
    {
      name: 'TokenReview without an API server',
      yaml: 'attestation: { k8s_psat: { clusters: { c: { service_account_allow_list: ["a:b"], use_token_review: true, jwks_file: /j } } } }',
      message: 'use_token_review needs api_server',
    },
    {
      name: 'a cluster with no way to verify tokens',
      yaml: 'attestation: { k8s_psat: { clusters: { c: { service_account_allow_list: ["a:b"] } } } }',
      message: 'expected a way to verify tokens',
    },
    {
      name: 'both a JWKS file and a discovery URL',
      yaml: 'attestation: { k8s_psat: { clusters: { c: { service_account_allow_list: ["a:b"], jwks_file: /j, oidc_discovery_url: "https://x/.well-known/openid-configuration" } } } }',
      message: 'set only one of jwks_file and oidc_discovery_url',
    },
    {
      name: 'a service account that is not namespace:name',
      yaml: 'attestation: { k8s_psat: { clusters: { c: { service_account_allow_list: ["agent"], jwks_file: /j } } } }',
      message: 'attestation.k8s_psat.clusters.c.service_account_allow_list[0]',
    },
    { name: 'an agent path template with an unknown placeholder', yaml: 'attestation: { x509pop: { agent_path_template: "{hostname}" } }', message: 'unknown placeholder {hostname}' },
    { name: 'an agent SVID lifetime under a minute', yaml: 'attestation: { agent_svid_ttl: 10s }', message: 'attestation.agent_svid_ttl' },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name}`, async () => {
      assert.ok((await problems(c.yaml)).includes(c.message), await problems(c.yaml));
    });
  }
});
