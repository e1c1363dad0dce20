import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiError } from '../api/api-error.js';
import { serverStream, unary } from '../api/handler.js';
import { signetProtos } from '../grpc/protos.js';
import { openApiDocument } from './openapi.js';
import { coerceParameters, jsonSafe, routeFromMethod } from './rest-route.js';
import { fieldOfIssue, validationApiError } from './validation-error.js';

const protos = signetProtos();
const noop = unary(['admin'], async () => ({}));

describe('routeFromMethod', () => {
  test('decodes a REST request into what the gRPC handler would receive', () => {
    const route = routeFromMethod(noop, { rpc: protos.ca.MintX509Svid, method: 'POST', url: '/v1/x509-svids' });
    const request = route.decodeRequest({ params: {}, query: {}, body: { csr: Buffer.from('csr-der').toString('base64'), ttl: 300 } }) as Record<string, unknown>;
    assert.deepEqual(request, { csr: Buffer.from('csr-der'), entry_id: '', spiffe_id: '', ttl: 300, dns_names: [] });
    assert.equal(route.rpc, 'signet.ca.v1.CA/MintX509Svid');
  });

  test('encodes the response as a gRPC client would decode it, with bytes as base64', () => {
    const route = routeFromMethod(noop, { rpc: protos.ca.MintX509Svid, method: 'POST', url: '/v1/x509-svids' });
    assert.deepEqual(route.encodeResponse({ cert_chain: [Buffer.from([1, 2])], expires_at: 1700000000, unknown_field: 'dropped' }), {
      cert_chain: ['AQI='],
      expires_at: '1700000000',
      authority_id: '',
      serial_number: '',
    });
  });

  test('a request the proto cannot hold is invalid_argument naming the body', () => {
    const route = routeFromMethod(noop, { rpc: protos.registrar.CreateEntries, method: 'POST', url: '/v1/entries' });
    assert.throws(
      () => route.decodeRequest({ params: {}, query: {}, body: { entries: 'not a list' } }),
      (err: ApiError) => err.apiCode === 'invalid_argument' && err.field === 'body' && /entries/.test(err.message),
    );
  });

  test('path values win over body and query values', () => {
    const route = routeFromMethod(noop, { rpc: protos.registrar.GetEntry, method: 'GET', url: '/v1/entries/:id' });
    assert.deepEqual(route.decodeRequest({ params: { id: 'from-path' }, query: { id: 'from-query' }, body: { id: 'from-body' } }), { id: 'from-path' });
    assert.deepEqual(route.decodeRequest({ params: {}, query: { id: 'from-query' }, body: { id: 'from-body' } }), { id: 'from-body' });
  });

  test('refuses streaming methods', () => {
    assert.throws(
      () => routeFromMethod(serverStream(['agent'], async () => {}), { rpc: protos.attestation.SyncAuthorized, method: 'GET', url: '/v1/sync' }),
      /only unary methods can be REST routes/,
    );
  });
});

describe('coerceParameters', () => {
  const schema = {
    type: 'object',
    properties: { n: { type: 'integer' }, x: { type: 'number' }, b: { type: 'boolean' }, s: { type: 'string' }, list: { type: 'array', items: { type: 'integer' } } },
  };
  const cases: { name: string; input: Record<string, unknown>; output: Record<string, unknown> }[] = [
    { name: 'integers and numbers from decimal text', input: { n: '10', x: '2.5' }, output: { n: 10, x: 2.5 } },
    { name: 'booleans from true and false', input: { b: 'false' }, output: { b: false } },
    { name: 'strings stay strings', input: { s: '10' }, output: { s: '10' } },
    { name: 'one value of an array becomes a list', input: { list: '3' }, output: { list: [3] } },
    { name: 'text that is not a number is left for validation to refuse', input: { n: 'ten', b: 'yes' }, output: { n: 'ten', b: 'yes' } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const values = { ...c.input };
      coerceParameters(values, schema);
      assert.deepEqual(values, c.output);
    });
  }
});

describe('schema violations as API errors', () => {
  const cases: { name: string; part: string; issue: Parameters<typeof fieldOfIssue>[1]; message: string }[] = [
    { name: 'a nested type error', part: 'body', issue: { keyword: 'type', instancePath: '/selectors/0/type', params: { type: 'string' }, message: 'must be string' }, message: 'body.selectors[0].type: must be string' },
    { name: 'a missing property', part: 'body', issue: { keyword: 'required', instancePath: '/entries/2', params: { missingProperty: 'spiffe_id' } }, message: 'body.entries[2].spiffe_id: is required' },
    { name: 'an extra property', part: 'querystring', issue: { keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'pagesize' } }, message: 'querystring.pagesize: is not an allowed property' },
    { name: 'a property name with a slash', part: 'body', issue: { keyword: 'minLength', instancePath: '/a~1b', params: {}, message: 'must NOT have fewer than 1 characters' }, message: 'body.a/b: must NOT have fewer than 1 characters' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const err = validationApiError(c.part, [c.issue]);
      assert.equal(err.apiCode, 'invalid_argument');
      assert.equal(err.message, c.message);
      assert.equal(err.field, c.message.slice(0, c.message.indexOf(':')));
    });
  }
});

describe('openApiDocument', () => {
  test('describes each route from its schemas', () => {
    const routes = [
      routeFromMethod(noop, {
        rpc: protos.registrar.GetEntry,
        method: 'GET',
        url: '/v1/entries/:id',
        summary: 'Gets an entry',
        tags: ['entries'],
        schema: { params: { type: 'object', properties: { id: { type: 'string', description: 'Entry id' } } }, response: { 200: { type: 'object' } } },
      }),
      routeFromMethod(noop, {
        rpc: protos.registrar.ListAgents,
        method: 'GET',
        url: '/v1/agents',
        schema: { querystring: { type: 'object', required: ['state'], properties: { state: { type: 'string' }, page_size: { type: 'integer' } } } },
      }),
      routeFromMethod(unary(['admin'], async () => ({})), { rpc: protos.registrar.CreateEntries, method: 'POST', url: '/v1/entries', successStatus: 201, schema: { body: { type: 'object' } } }),
    ];
    const doc = openApiDocument(routes, { title: 'Signet registrar', version: '1.2.3' }) as {
      openapi: string;
      info: unknown;
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { securitySchemes: unknown };
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.info, { title: 'Signet registrar', version: '1.2.3' });
    assert.deepEqual(Object.keys(doc.paths).sort(), ['/v1/agents', '/v1/entries', '/v1/entries/{id}']);
    const get = doc.paths['/v1/entries/{id}']!.get!;
    assert.equal(get.operationId, 'GetEntry');
    assert.equal(get['x-signet-rpc'], 'signet.registrar.v1.Registrar/GetEntry');
    assert.deepEqual(get['x-signet-allow'], ['admin']);
    assert.deepEqual(get.parameters, [{ name: 'id', in: 'path', required: true, description: 'Entry id', schema: { type: 'string', description: 'Entry id' } }]);
    assert.deepEqual((get.responses as Record<string, unknown>)['200'], { description: 'Success', content: { 'application/json': { schema: { type: 'object' } } } });
    const list = doc.paths['/v1/agents']!.get!;
    assert.deepEqual(
      (list.parameters as { name: string; in: string; required: boolean }[]).map((p) => [p.name, p.in, p.required]),
      [
        ['state', 'query', true],
        ['page_size', 'query', false],
      ],
    );
    const post = doc.paths['/v1/entries']!.post!;
    assert.deepEqual(post.requestBody, { required: true, content: { 'application/json': { schema: { type: 'object' } } } });
    assert.ok((post.responses as Record<string, unknown>)['201']);
    assert.deepEqual(doc.components.securitySchemes, { mtls: { type: 'mutualTLS', description: 'An X.509-SVID of this trust domain (or the local admin socket)' } });
  });
});

describe('jsonSafe', () => {
  test('turns bytes into base64 at any depth and leaves the rest', () => {
    assert.deepEqual(jsonSafe({ a: [new Uint8Array([255]), { b: Buffer.from('hi') }], n: 1, s: 'x', z: null }), { a: ['/w==', { b: 'aGk=' }], n: 1, s: 'x', z: null });
  });
});


