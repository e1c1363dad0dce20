import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../log/logger.js';
import { captureLogs } from '../testing/log-capture.js';
import { createAdminHttpServer, type AdminHttpServer } from './admin-server.js';
import { sendJson, type TestHttpTarget } from './http-test-client.test-helper.js';
import { registrarSpecs } from './registrar-fixture.test-helper.js';

describe('REST admin API on the Unix socket', () => {
  let dir: string;
  let http: AdminHttpServer;
  let target: TestHttpTarget;
  const logs = captureLogs();
  const logger = createLogger({ level: 'debug', service: 'test', destination: logs.stream });
  const registrar = registrarSpecs();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-http-'));
    http = createAdminHttpServer({ logger, listen: { path: join(dir, 'admin-http.sock') } });
    http.addRoutes(registrar.routes);
    http.serveOpenApi({ title: 'test', version: '1' });
    const address = await http.listen();
    assert.equal(address.kind, 'unix');
    target = { socketPath: join(dir, 'admin-http.sock') };
  });
  after(async () => {
    await http.close(100);
    await rm(dir, { recursive: true, force: true });
  });

  test('the socket file has mode 0600 and callers on it are admins', async () => {
    assert.equal((await stat(join(dir, 'admin-http.sock'))).mode & 0o777, 0o600);
    const res = await sendJson(target, 'GET', '/v1/entries/abc');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { id: 'abc', spiffe_id: 'spiffe://example.org/web', parent_id: '', selectors: [], x509_svid_ttl: 0, jwt_svid_ttl: 0, dns_names: [], federates_with: [], admin: false, downstream: false, hint: '', expires_at: '0', revision: '0', created_at: '0', updated_at: '0' });
    assert.deepEqual(registrar.received.at(-1)?.ctx.caller, { kind: 'admin', via: 'unix' });
    assert.equal(registrar.received.at(-1)?.ctx.method, 'signet.registrar.v1.Registrar/GetEntry');
  });

  const schemaErrors: { name: string; body: unknown; field: string; message: string }[] = [
    {
      name: 'a selector type that is not a string',
      body: { entries: [{ spiffe_id: 'spiffe://example.org/a', parent_id: 'spiffe://example.org/n', selectors: [{ type: 5, value: 'v' }] }] },
      field: 'body.entries[0].selectors[0].type',
      message: 'body.entries[0].selectors[0].type: must be string',
    },
    { name: 'a missing required property', body: {}, field: 'body.entries', message: 'body.entries: is required' },
    {
      name: 'an unknown property',
      body: { entries: [], colour: 'blue' },
      field: 'body.colour',
      message: 'body.colour: is not an allowed property',
    },
    {
      name: 'a number given as a string (no coercion in bodies)',
      body: { entries: [{ spiffe_id: 'a', parent_id: 'b', selectors: [], x509_svid_ttl: '60' }] },
      field: 'body.entries[0].x509_svid_ttl',
      message: 'body.entries[0].x509_svid_ttl: must be integer',
    },
  ];
  for (const c of schemaErrors) {
    test(`a schema violation answers 400 naming the field: ${c.name}`, async () => {
      const before = registrar.received.length;
      const res = await sendJson(target, 'POST', '/v1/entries', c.body);
      assert.equal(res.status, 400);
      assert.deepEqual(res.json, { error: { code: 'invalid_argument', message: c.message, field: c.field } });
      assert.equal(registrar.received.length, before, 'the handler did not run');
    });
  }

  test('the handler gets the proto-shaped request: defaults filled, int64 as strings', async () => {
    const res = await sendJson(target, 'POST', '/v1/entries', {
      entries: [{ spiffe_id: 'spiffe://example.org/a', parent_id: 'spiffe://example.org/n', selectors: [{ type: 'k8s', value: 'ns:x' }], expires_at: '1700000000' }],
    });
    assert.equal(res.status, 200);
    const request = registrar.received.at(-1)?.request as { entries: Record<string, unknown>[] };
    assert.equal(request.entries[0]?.expires_at, '1700000000');
    assert.equal(request.entries[0]?.admin, false);
    assert.deepEqual(request.entries[0]?.dns_names, []);
  });

  test('query values are converted to the types their schema declares', async () => {
    const res = await sendJson(target, 'GET', '/v1/agents?page_size=25');
    assert.equal(res.status, 200);
    assert.deepEqual((registrar.received.at(-1)?.request as { page: unknown }).page, { page_size: 25, page_token: '' });
    const bad = await sendJson(target, 'GET', '/v1/agents?page_size=lots');
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { error: { field: string } }).error.field, 'querystring.page_size');
  });

  const handlerErrors: { name: string; id: string; status: number; body: unknown; retryAfter?: string }[] = [
    { name: 'not_found is 404', id: 'missing', status: 404, body: { error: { code: 'not_found', message: 'entry missing does not exist' } } },
    { name: 'resource_exhausted is 429 with Retry-After', id: 'busy', status: 429, body: { error: { code: 'resource_exhausted', message: 'slow down' } }, retryAfter: '2' },
    { name: 'an internal error is 500 and hidden', id: 'broken', status: 500, body: { error: { code: 'internal', message: 'internal error' } } },
  ];
  for (const c of handlerErrors) {
    test(`handler errors go through toHttpStatus: ${c.name}`, async () => {
      const res = await sendJson(target, 'GET', `/v1/entries/${c.id}`);
      assert.equal(res.status, c.status);
      assert.deepEqual(res.json, c.body);
      assert.equal(res.headers['retry-after'], c.retryAfter);
    });
  }

  test('a route with another success status uses it', async () => {
    const res = await sendJson(target, 'POST', '/v1/join-tokens', { ttl: 600 });
    assert.equal(res.status, 201);
    assert.equal((registrar.received.at(-1)?.request as { ttl: number }).ttl, 600);
  });

  test('an unknown route and an unparsable body answer JSON errors', async () => {
    const missing = await sendJson(target, 'GET', '/v1/nothing');
    assert.deepEqual(missing, { ...missing, status: 404, json: { error: { code: 'not_found', message: 'no route for GET /v1/nothing' } } });
    const garbage = await sendJson(target, 'POST', '/v1/entries', '{"entries": [');
    assert.equal(garbage.status, 400);
    assert.equal((garbage.json as { error: { code: string } }).error.code, 'invalid_argument');
  });

  test('the OpenAPI document is served', async () => {
    const res = await sendJson(target, 'GET', '/openapi.json');
    assert.equal(res.status, 200);
    assert.equal((res.json as { openapi: string }).openapi, '3.1.0');
    assert.ok((res.json as { paths: Record<string, unknown> }).paths['/v1/entries/{id}']);
  });
});
