// The Envoy bootstrap in deploy/envoy/ (no Envoy binary can be installed here, so its SDS wiring is
// checked against what Envoy requires, and the files `signet dev` writes from it are checked too).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../support/processes.js';

type Obj = Record<string, unknown>;

/** Every value under `node` whose key is `key`, depth first. */
function findAll(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) for (const v of node) findAll(v, key, out);
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Obj)) {
      if (k === key) out.push(v);
      findAll(v, key, out);
    }
  }
  return out;
}

describe('deploy/envoy/envoy.yaml: the Envoy bootstrap that takes its certificates from Signet', () => {
  const doc = parse(readFileSync(join(repoRoot, 'deploy', 'envoy', 'envoy.yaml'), 'utf8'), { merge: true }) as Obj;
  const clusters = (doc.static_resources as Obj).clusters as Obj[];

  it('has node.id and node.cluster, which Envoy requires for SDS subscriptions', () => {
    const node = doc.node as Obj;
    assert.ok(typeof node.id === 'string' && node.id !== '');
    assert.ok(typeof node.cluster === 'string' && node.cluster !== '');
  });

  it('defines the SDS cluster first, as a static HTTP/2 cluster on the agent socket', () => {
    const sds = clusters[0]!;
    assert.equal(sds.name, 'signet_sds');
    assert.equal(sds.type, 'STATIC');
    assert.deepEqual(findAll(sds, 'pipe'), [{ path: '/run/signet/agent.sock' }]);
    assert.equal(findAll(sds, 'http2_protocol_options').length, 1);
  });

  it('takes every secret from the SDS cluster over gRPC v3, by names the agent serves', () => {
    const configs = [...findAll(doc, 'tls_certificate_sds_secret_configs').flat(), ...findAll(doc, 'validation_context_sds_secret_config')] as Obj[];
    assert.ok(configs.length >= 4);
    for (const c of configs) {
      assert.ok(['default', 'ALL', 'ROOTCA'].includes(c.name as string), `secret name ${String(c.name)}`);
      const src = c.sds_config as Obj;
      assert.equal(src.resource_api_version, 'V3');
      const api = src.api_config_source as Obj;
      assert.equal(api.api_type, 'GRPC');
      assert.equal(api.transport_api_version, 'V3');
      assert.deepEqual(findAll(api, 'cluster_name'), ['signet_sds']);
    }
  });

  it('requires client certificates on the inbound listener and checks the upstream SPIFFE ID', () => {
    assert.deepEqual(findAll(doc, 'require_client_certificate'), [true]);
    const sans = findAll(doc, 'match_typed_subject_alt_names').flat() as Obj[];
    assert.equal(sans[0]?.san_type, 'URI');
    assert.match(String((sans[0]?.matcher as Obj).exact), /^spiffe:\/\//);
  });
});
