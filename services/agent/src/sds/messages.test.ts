import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coalesceDelta, coalesceSotw, deltaResponseMessage, readDeltaRequest, readSotwRequest, sotwResponseMessage } from './messages.js';
import { SECRET_TYPE_URL } from './protos.js';
import type { SdsResource } from './resource.js';

const resource: SdsResource = { name: 'A', version: 'v1', kind: 'validation_context', any: { type_url: SECRET_TYPE_URL, value: Buffer.from('x') } };

describe('xDS message translation', () => {
  it('reads a DiscoveryRequest; NACK only when error_detail is present', () => {
    assert.deepEqual(readSotwRequest({ resource_names: ['A'], response_nonce: 'n', version_info: 'v', error_detail: null }), {
      resourceNames: ['A'],
      responseNonce: 'n',
      errorDetail: undefined,
    });
    assert.deepEqual(readSotwRequest({ error_detail: { code: 13, message: 'bad' } }).errorDetail, { code: 13, message: 'bad' });
    assert.deepEqual(readSotwRequest({ error_detail: {} }).errorDetail, { code: 0, message: '' }, 'an empty error_detail is still a NACK');
    assert.deepEqual(readSotwRequest({}), { resourceNames: [], responseNonce: '', errorDetail: undefined });
  });

  it('reads a DeltaDiscoveryRequest', () => {
    const r = readDeltaRequest({ resource_names_subscribe: ['A'], resource_names_unsubscribe: ['B'], initial_resource_versions: { A: 'v1' }, response_nonce: '' });
    assert.deepEqual(r.subscribe, ['A']);
    assert.deepEqual(r.unsubscribe, ['B']);
    assert.deepEqual([...r.initialVersions], [['A', 'v1']]);
    assert.deepEqual(readDeltaRequest({}).subscribe, []);
  });

  it('several SotW requests before the first response: the latest name list wins', () => {
    const merged = coalesceSotw([
      { resourceNames: ['A'], responseNonce: '', errorDetail: undefined },
      { resourceNames: ['B', 'C'], responseNonce: 'old', errorDetail: { code: 13, message: 'x' } },
    ]);
    assert.deepEqual(merged, { resourceNames: ['B', 'C'], responseNonce: '', errorDetail: undefined });
    assert.equal(coalesceSotw([]), undefined);
  });

  it('several Delta requests before the first response: subscription changes applied in order', () => {
    const merged = coalesceDelta([
      { subscribe: ['A', 'B'], unsubscribe: [], initialVersions: new Map([['A', 'v1']]), responseNonce: '', errorDetail: undefined },
      { subscribe: ['C'], unsubscribe: ['B'], initialVersions: new Map([['A', 'v9']]), responseNonce: '', errorDetail: undefined },
    ]);
    assert.deepEqual(merged?.subscribe, ['A', 'C']);
    assert.deepEqual([...(merged?.initialVersions ?? [])], [['A', 'v1']]);
  });

  it('responses carry the Secret type URL; Delta never reports removed resources', () => {
    const sotw = sotwResponseMessage({ versionInfo: 'v', nonce: 'n', resources: [resource], reason: 'initial' });
    assert.equal(sotw.type_url, SECRET_TYPE_URL);
    assert.deepEqual(sotw.resources, [resource.any]);
    const delta = deltaResponseMessage({ nonce: 'n', systemVersionInfo: 'v', resources: [resource], reason: 'update' });
    assert.equal(delta.type_url, SECRET_TYPE_URL);
    assert.deepEqual(delta.removed_resources, []);
    assert.deepEqual(delta.resources, [{ name: 'A', version: 'v1', resource: resource.any, aliases: [] }]);
  });
});
