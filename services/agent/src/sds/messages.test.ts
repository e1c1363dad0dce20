import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coalesceDelta, coalesceSotw, deltaResponseMessage, readDeltaRequest, readSotwRequest, requestNode } from './messages.js';
import { SECRET_TYPE_URL, sdsProtos } from './protos.js';
import { encodeSotwResponseTransient } from './response-wire.js';
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
    const delta = deltaResponseMessage({ nonce: 'n', systemVersionInfo: 'v', resources: [resource], reason: 'update' });
    assert.equal(delta.type_url, SECRET_TYPE_URL);
    assert.deepEqual(delta.removed_resources, []);
    assert.deepEqual(delta.resources, [{ name: 'A', version: 'v1', resource: resource.any, aliases: [] }]);
  });

  describe('SotW responses are encoded on the wire as the DiscoveryResponse proto reads them', () => {
    const decode = (bytes: Buffer): Record<string, unknown> => sdsProtos().service['StreamSecrets']!.responseDeserialize(bytes) as Record<string, unknown>;
    /** A copy of the serializer's bytes (its buffer is reused by the next call). */
    const encode = (r: Parameters<typeof encodeSotwResponseTransient>[0]): Buffer => Buffer.from(encodeSotwResponseTransient(r));
    const big: SdsResource = { name: 'B', version: 'v2', kind: 'tls_certificate', any: { type_url: SECRET_TYPE_URL, value: Buffer.alloc(70_000, 7) } };
    const cases: ReadonlyArray<readonly [string, { versionInfo: string; nonce: string; resources: SdsResource[] }]> = [
      ['one small resource', { versionInfo: 'v', nonce: 'n', resources: [resource] }],
      ['two resources, one larger than 16 KiB (multi-byte lengths)', { versionInfo: '0123456789abcdef', nonce: 'abcdef0123', resources: [resource, big] }],
      ['a non-ASCII version', { versionInfo: 'version-é', nonce: 'n-1', resources: [big] }],
    ];
    for (const [what, r] of cases) {
      it(what, () => {
        const decoded = decode(encode({ ...r, reason: 'update' }));
        assert.equal(decoded['version_info'], r.versionInfo);
        assert.equal(decoded['nonce'], r.nonce);
        assert.equal(decoded['type_url'], SECRET_TYPE_URL);
        assert.equal(decoded['canary'], false);
        const resources = decoded['resources'] as { type_url: string; value: Buffer }[];
        assert.deepEqual(
          resources.map((x) => [x.type_url, Buffer.from(x.value).toString('hex')]),
          r.resources.map((x) => [x.any.type_url, Buffer.from(x.any.value).toString('hex')]),
        );
      });
    }

    it('gives the same bytes twice for the same resource', () => {
      const a = encode({ versionInfo: 'v', nonce: 'n', resources: [big], reason: 'update' });
      const b = encode({ versionInfo: 'v', nonce: 'n', resources: [big], reason: 'update' });
      assert.ok(a.equals(b));
    });

    it('writes into a reused buffer, valid until its next call', () => {
      const small = { versionInfo: 'v', nonce: 'n', resources: [resource], reason: 'update' } as const;
      const large = { versionInfo: 'v', nonce: 'n', resources: [resource, big], reason: 'update' } as const;
      const copy = encode(small);
      // A response larger than the buffer so far: it grows, and the bytes are still exact.
      const grown = decode(encodeSotwResponseTransient(large))['resources'] as { value: Buffer }[];
      assert.deepEqual(grown.map((x) => Buffer.from(x.value).toString('hex')), [resource, big].map((x) => Buffer.from(x.any.value).toString('hex')));
      const again = encodeSotwResponseTransient(small);
      assert.ok(again.equals(copy));
      assert.equal(again.buffer, encodeSotwResponseTransient(small).buffer, 'one buffer reused from call to call');
    });
  });
});

describe('StreamSecrets requests with the node left raw', () => {
  const { DiscoveryRequest, DiscoveryRequestRawNode, Node } = sdsProtos();
  const node = {
    id: 'sidecar~10.1.2.3~web.default',
    cluster: 'web',
    user_agent_name: 'envoy',
    user_agent_build_version: { version: { major_number: 1, minor_number: 17 } },
    extensions: Array.from({ length: 50 }, (_, i) => ({ name: `envoy.filters.http.f${i}`, category: 'envoy.filters.http' })),
    metadata: { fields: { disable_spiffe_cert_validation: { bool_value: true } } },
  };
  const full = {
    version_info: 'v1',
    node,
    resource_names: ['default', 'ROOTCA'],
    type_url: SECRET_TYPE_URL,
    response_nonce: 'n1',
    error_detail: { code: 3, message: 'bad secret' },
  };
  const bytes = DiscoveryRequest.encode(DiscoveryRequest.fromObject(full)).finish();

  it('decodes every other field exactly as the full DiscoveryRequest type does', () => {
    const raw = DiscoveryRequestRawNode.decode(bytes) as unknown as Record<string, unknown>;
    const decoded = DiscoveryRequest.decode(bytes) as unknown as Record<string, unknown>;
    for (const field of ['version_info', 'resource_names', 'type_url', 'response_nonce']) assert.deepEqual(raw[field], decoded[field], field);
    assert.deepEqual(readSotwRequest(raw), readSotwRequest(decoded as never));
    assert.ok(raw['node'] instanceof Uint8Array);
  });

  it('decodes the node when asked, to what the full type gives', () => {
    const raw = DiscoveryRequestRawNode.decode(bytes) as unknown as { node: Uint8Array };
    assert.deepEqual(Node.toObject(requestNode(raw) as never), Node.toObject((DiscoveryRequest.decode(bytes) as unknown as { node: never }).node));
  });

  const cases: ReadonlyArray<{ name: string; message: { node?: Uint8Array | null | object }; expect: 'null' | 'object' | RegExp }> = [
    { name: 'no node', message: {}, expect: 'null' },
    { name: 'a null node', message: { node: null }, expect: 'null' },
    { name: 'an empty node', message: { node: new Uint8Array(0) }, expect: 'null' },
    { name: 'a node decoded already (DeltaSecrets, FetchSecrets)', message: { node: { id: 'x' } }, expect: 'object' },
    { name: 'bytes that are not a Node', message: { node: Uint8Array.from([0x0a, 0xff, 0xff]) }, expect: /^node: not a valid envoy\.config\.core\.v3\.Node/ },
  ];
  for (const { name, message, expect } of cases) {
    it(`reads ${name}`, () => {
      if (expect instanceof RegExp) {
        assert.throws(() => requestNode(message as never), (err: Error & { apiCode?: string }) => expect.test(err.message) && err.apiCode === 'invalid_argument');
        return;
      }
      const result = requestNode(message as never);
      assert.equal(result === null ? 'null' : typeof result, expect);
    });
  }
});
