/**
 * The REST admin API on the platform's admin HTTP server (fastify `inject`, no socket), on a
 * real datastore: every route, its JSON schemas, the status of each error and the field it
 * names, audit lines, and the OpenAPI document.
 * @module
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { hashJoinToken, type TestDatabase } from '@signet/datastore';
import { captureLogs, createAdminHttpServer, createLogger, type AdminHttpServer } from '@signet/platform';
import { useRegistrar } from '../testing/harness.js';
import { bundleDocuments, entryRequest, seedAgent, seedLocalBundle } from '../testing/seed.js';
import { OPENAPI_PATH, REGISTRAR_OPENAPI_INFO, registrarRoutes } from './routes.js';

/** The REST suite against the database `open` returns. */
export function restSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(name, () => {
    const h = useRegistrar(open);
    let server: AdminHttpServer;
    let dir: string;
    const logs = captureLogs();
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'registrar-rest-'));
      const logger = createLogger({ level: 'info', service: 'registrar-rest-test', destination: logs.stream });
      server = createAdminHttpServer({ logger, listen: { path: join(dir, 'admin.sock') } });
      server.addRoutes(h.registrar.routes);
      server.serveOpenApi(REGISTRAR_OPENAPI_INFO, OPENAPI_PATH);
      await server.app.ready();
    });
    afterEach(async () => {
      await server.close(0);
      await rm(dir, { recursive: true, force: true });
    });
    const send = async (options: InjectOptions): Promise<{ status: number; body: any; headers: Record<string, unknown> }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const res = await server.app.inject(options);
      return { status: res.statusCode, body: res.body === '' ? undefined : res.json(), headers: res.headers };
    };
    const errorOf = (res: { status: number; body: any }, status: number, code: string, field?: string): void => { // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, code);
      if (field !== undefined) {
        assert.equal(res.body.error.field, field, res.body.error.message);
        assert.ok(String(res.body.error.message).startsWith(field), res.body.error.message);
      }
    };

    it('creates entries in a batch, one result per item, with schema errors naming the field', async () => {
      const res = await send({ method: 'POST', url: '/v1/entries', payload: { entries: [entryRequest(1, { id: 'team/a:b?c' }), entryRequest(2, { selectors: [] })] } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.results.map((r: any) => r.status.code), [0, 3]); // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.equal(res.body.results[0].entry.revision, '1');
      assert.equal(res.body.results[1].status.field, 'entries[1].selectors');
      assert.equal(res.body.results[1].entry, null);
      const again = await send({ method: 'POST', url: '/v1/entries', payload: { entries: [entryRequest(1)] } });
      assert.equal(again.body.results[0].status.code, 6);
      assert.equal(again.body.results[0].entry.id, 'team/a:b?c', 'the duplicate answers with the stored entry');
      const entries = (extra: Record<string, unknown>): InjectOptions['payload'] => ({ entries: [{ ...entryRequest(3), ...extra }] });
      errorOf(await send({ method: 'POST', url: '/v1/entries', payload: entries({ spifee_id: 'typo' }) }), 400, 'invalid_argument', 'body.entries[0].spifee_id');
      errorOf(await send({ method: 'POST', url: '/v1/entries', payload: entries({ admin: 'yes' }) }), 400, 'invalid_argument', 'body.entries[0].admin');
      errorOf(await send({ method: 'POST', url: '/v1/entries', payload: entries({ expires_at: 'soon' }) }), 400, 'invalid_argument', 'body.entries[0].expires_at');
      errorOf(await send({ method: 'POST', url: '/v1/entries', payload: {} }), 400, 'invalid_argument', 'body.entries');
    });

    it('shows, changes and deletes one entry by id, with item errors as statuses naming the field', async () => {
      await send({ method: 'POST', url: '/v1/entries', payload: { entries: [entryRequest(1, { id: 'team/a:b?c' })] } });
      const url = `/v1/entries/${encodeURIComponent('team/a:b?c')}`;
      assert.equal((await send({ method: 'GET', url })).body.id, 'team/a:b?c');
      errorOf(await send({ method: 'GET', url: '/v1/entries/missing' }), 404, 'not_found', 'id');
      const patched = await send({ method: 'PATCH', url, payload: { entry: { hint: 'v2', revision: '1' }, mask: { hint: true } } });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.deepEqual([patched.body.hint, patched.body.revision], ['v2', '2']);
      errorOf(await send({ method: 'PATCH', url, payload: { entry: { hint: 'v3', revision: 1 }, mask: { hint: true } } }), 409, 'aborted', 'entry.revision');
      errorOf(await send({ method: 'PATCH', url, payload: { entry: { id: 'else' } } }), 400, 'invalid_argument', 'entry.id');
      errorOf(await send({ method: 'PATCH', url, payload: { entry: {}, mask: {} } }), 400, 'invalid_argument', 'mask');
      errorOf(await send({ method: 'PATCH', url, payload: { entry: { spiffe_id: 'spiffe://evil.org/x' }, mask: { spiffe_id: true } } }), 400, 'invalid_argument', 'entry.spiffe_id');
      errorOf(await send({ method: 'PATCH', url: '/v1/entries/missing', payload: { entry: { hint: 'x' }, mask: { hint: true } } }), 404, 'not_found', 'entry.id');
      assert.equal((await send({ method: 'DELETE', url })).body.id, 'team/a:b?c');
      errorOf(await send({ method: 'DELETE', url }), 404, 'not_found', 'id');
    });

    it('lists entries with repeated selector parameters, match modes and page tokens', async () => {
      await send({ method: 'POST', url: '/v1/entries', payload: { entries: [1, 2, 3].map((n) => entryRequest(n)) } });
      const all = await send({ method: 'GET', url: '/v1/entries?selector=k8s:ns:prod&selector_match=superset&page_size=2' });
      assert.equal(all.body.entries.length, 2);
      const next = await send({ method: 'GET', url: `/v1/entries?selector=k8s:ns:prod&selector_match=superset&page_size=2&page_token=${all.body.next_page_token}` });
      assert.equal(next.body.entries.length, 1);
      assert.equal(next.body.next_page_token, '');
      const exact = await send({ method: 'GET', url: '/v1/entries?selector=k8s:ns:prod&selector=unix:uid:1002' });
      assert.deepEqual(exact.body.entries.map((e: any) => e.spiffe_id), ['spiffe://example.org/workload/2']); // eslint-disable-line @typescript-eslint/no-explicit-any
      errorOf(await send({ method: 'GET', url: '/v1/entries?page_size=1001' }), 400, 'invalid_argument', 'page.page_size');
      errorOf(await send({ method: 'GET', url: '/v1/entries?page_token=forged.token' }), 400, 'invalid_argument', 'page.page_token');
      errorOf(await send({ method: 'GET', url: '/v1/entries?selector=nocolon' }), 400, 'invalid_argument', 'selector[0]');
      errorOf(await send({ method: 'GET', url: '/v1/entries?selector_match=any' }), 400, 'invalid_argument', 'selector_match');
      errorOf(await send({ method: 'GET', url: '/v1/entries?selector_match=sometimes' }), 400, 'invalid_argument', 'querystring.selector_match');
      errorOf(await send({ method: 'GET', url: '/v1/entries?parnet_id=x' }), 400, 'invalid_argument', 'querystring.parnet_id');
    });

    it('creates join tokens, auditing the hash prefix and never the token', async () => {
      const res = await send({ method: 'POST', url: '/v1/join-tokens', payload: { ttl: 60 } });
      assert.equal(res.status, 201);
      assert.match(res.body.value, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(res.headers['cache-control'], 'no-store', 'the token is never cached on the way');
      const audit = logs.records().find((r) => r['audit'] === true && r['method'] === 'signet.registrar.v1.Registrar/CreateJoinToken');
      assert.equal((audit?.['fields'] as Record<string, unknown> | undefined)?.['token_hash_prefix'], hashJoinToken(res.body.value).slice(0, 12));
      assert.equal(audit?.['caller_kind'], 'admin');
      assert.ok(!logs.text.includes(res.body.value), 'the token is never logged');
      errorOf(await send({ method: 'POST', url: '/v1/join-tokens', payload: { ttl: 100_000_000 } }), 400, 'invalid_argument', 'ttl');
    });

    it('lists, shows, bans, unbans and evicts agents by percent-encoded SPIFFE ID', async () => {
      const id = await seedAgent(h.db, 'n1', { now: h.clock.now(), selectors: [{ type: 'region', value: 'eu' }] });
      const path = `/v1/agents/${encodeURIComponent(id)}`;
      assert.deepEqual((await send({ method: 'GET', url: '/v1/agents?selector=region:eu' })).body.agents.map((a: any) => a.spiffe_id), [id]); // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.equal((await send({ method: 'GET', url: path })).body.attested, true);
      assert.equal((await send({ method: 'POST', url: `${path}/ban` })).body.banned, true);
      assert.deepEqual((await send({ method: 'GET', url: '/v1/agents?state=banned' })).body.agents.length, 1);
      errorOf(await send({ method: 'POST', url: `${path}/evict` }), 412, 'failed_precondition', 'spiffe_id');
      assert.equal((await send({ method: 'POST', url: `${path}/unban` })).body.banned, false);
      assert.equal((await send({ method: 'POST', url: `${path}/evict` })).body.attested, false);
      assert.deepEqual((await send({ method: 'GET', url: '/v1/agents?state=evicted' })).body.agents.map((a: any) => a.spiffe_id), [id]); // eslint-disable-line @typescript-eslint/no-explicit-any
      errorOf(await send({ method: 'POST', url: `/v1/agents/${encodeURIComponent('spiffe://example.org/spire/agent/x/none')}/evict` }), 404, 'not_found', 'spiffe_id');
      errorOf(await send({ method: 'GET', url: '/v1/agents?state=asleep' }), 400, 'invalid_argument', 'querystring.state');
    });

    it('shows the local bundle and sets, lists, shows and deletes federated bundles', async () => {
      errorOf(await send({ method: 'GET', url: '/v1/bundle' }), 404, 'not_found');
      const local = await seedLocalBundle(h.db, 'example.org', h.clock.now());
      const bundle = await send({ method: 'GET', url: '/v1/bundle' });
      assert.equal(bundle.body.x509_pem, local.pem);
      assert.equal(Buffer.from(bundle.body.bundle.x509_authorities[0], 'base64').length > 100, true, 'DER as base64');
      assert.equal(typeof bundle.body.bundle.jwt_authorities[0].public_key, 'string');
      const partner = bundleDocuments('partner.example');
      const set = await send({ method: 'PUT', url: '/v1/federated-bundles/partner.example', payload: { format: 'spiffe', document: partner.spiffeJson } });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal((await send({ method: 'GET', url: '/v1/federated-bundles' })).body.bundles.length, 1);
      assert.equal((await send({ method: 'GET', url: '/v1/federated-bundles/partner.example' })).body.bundle.trust_domain, 'partner.example');
      errorOf(await send({ method: 'PUT', url: '/v1/federated-bundles/partner.example', payload: { format: 'pem', document: 'garbage' } }), 400, 'invalid_argument', 'document');
      assert.equal((await send({ method: 'DELETE', url: '/v1/federated-bundles/partner.example' })).status, 204);
      errorOf(await send({ method: 'GET', url: '/v1/federated-bundles/partner.example' }), 404, 'not_found', 'trust_domain');
    });

    it('creates, lists, shows, changes, refreshes and deletes federation relationships, with statuses naming the field', async () => {
      const base = '/v1/federation-relationships';
      const partner = bundleDocuments('partner.example', 12n);
      const relationship = {
        trust_domain: 'partner.example',
        bundle_endpoint_url: 'https://partner.example:8443/bundle',
        bundle_endpoint_profile: 'https_spiffe',
        endpoint_spiffe_id: 'spiffe://partner.example/spire/server',
      };
      const createBody = { relationship, trust_domain_bundle: Buffer.from(partner.spiffeJson).toString('base64'), trust_domain_bundle_format: 'spiffe' };
      const created = await send({ method: 'POST', url: base, payload: createBody });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body.health, {
        last_attempt_at: '0',
        last_success_at: '0',
        last_error: '',
        sequence_number: '12',
        bundle_age_seconds: '0',
        stale: false,
        next_refresh_at: '0',
      });
      const audit = logs.records().find((r) => r['audit'] === true && r['method'] === 'signet.registrar.v1.Registrar/CreateFederationRelationship');
      assert.equal((audit?.['fields'] as Record<string, unknown> | undefined)?.['trust_domain'], 'partner.example');
      assert.ok(!logs.text.includes(Buffer.from(partner.spiffeJson).toString('base64')), 'the bundle is not logged');
      errorOf(await send({ method: 'POST', url: base, payload: createBody }), 409, 'already_exists', 'relationship.trust_domain');
      errorOf(
        await send({ method: 'POST', url: base, payload: { relationship: { ...relationship, trust_domain: 'other.example', bundle_endpoint_url: 'http://x' } } }),
        400,
        'invalid_argument',
        'relationship.bundle_endpoint_url',
      );
      errorOf(await send({ method: 'POST', url: base, payload: { relationship: { ...relationship, bundle_endpiont_url: 'x' } } }), 400, 'invalid_argument', 'body.relationship.bundle_endpiont_url');
      errorOf(await send({ method: 'POST', url: base, payload: {} }), 400, 'invalid_argument', 'body.relationship');
      const web = { trust_domain: 'web.example', bundle_endpoint_url: 'https://web.example/bundle', bundle_endpoint_profile: 'https_web' };
      assert.equal((await send({ method: 'POST', url: base, payload: { relationship: web } })).status, 201);

      const list = await send({ method: 'GET', url: `${base}?page_size=1` });
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.deepEqual(list.body.relationships.map((r: any) => r.trust_domain), ['partner.example']); // eslint-disable-line @typescript-eslint/no-explicit-any
      const next = await send({ method: 'GET', url: `${base}?page_size=1&page_token=${list.body.next_page_token}` });
      assert.deepEqual([next.body.relationships[0].trust_domain, next.body.next_page_token], ['web.example', '']);
      errorOf(await send({ method: 'GET', url: `${base}?page_token=forged.token` }), 400, 'invalid_argument', 'page.page_token');

      const shown = await send({ method: 'GET', url: `${base}/partner.example` });
      assert.deepEqual([shown.status, shown.body.endpoint_spiffe_id, shown.body.health.sequence_number], [200, 'spiffe://partner.example/spire/server', '12']);
      errorOf(await send({ method: 'GET', url: `${base}/nobody.example` }), 404, 'not_found', 'trust_domain');

      const patched = await send({ method: 'PATCH', url: `${base}/web.example`, payload: { relationship: { trusted_by_all: true }, mask: { trusted_by_all: true } } });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.deepEqual([patched.body.trusted_by_all, patched.body.bundle_endpoint_url], [true, 'https://web.example/bundle']);
      errorOf(await send({ method: 'PATCH', url: `${base}/web.example`, payload: { relationship: { trust_domain: 'else.example' } } }), 400, 'invalid_argument', 'relationship.trust_domain');
      errorOf(await send({ method: 'PATCH', url: `${base}/web.example`, payload: { relationship: {}, mask: {} } }), 400, 'invalid_argument', 'mask');
      errorOf(await send({ method: 'PATCH', url: `${base}/nobody.example`, payload: { relationship: {}, mask: { trusted_by_all: true } } }), 404, 'not_found', 'relationship.trust_domain');
      const bundleBefore = await send({ method: 'GET', url: '/v1/federated-bundles/partner.example' });
      assert.equal(bundleBefore.body.bundle.trusted_by_all, false);
      await send({ method: 'PATCH', url: `${base}/partner.example`, payload: { relationship: { trusted_by_all: true }, mask: { trusted_by_all: true } } });
      const bundleAfter = await send({ method: 'GET', url: '/v1/federated-bundles/partner.example' });
      assert.deepEqual([bundleAfter.body.bundle.trusted_by_all, bundleAfter.body.bundle.tainted_x509_authorities], [true, []], 'the REST bundle carries trusted_by_all');

      const refreshed = await send({ method: 'POST', url: `${base}/web.example/refresh` });
      assert.deepEqual([refreshed.status, refreshed.body.trust_domain], [202, 'web.example']);
      assert.equal((await h.events()).at(-1)?.kind, 'federation_relationship.refresh_requested');
      errorOf(await send({ method: 'POST', url: `${base}/nobody.example/refresh` }), 404, 'not_found', 'trust_domain');

      const deleted = await send({ method: 'DELETE', url: `${base}/partner.example` });
      assert.deepEqual([deleted.status, deleted.body], [204, undefined]);
      errorOf(await send({ method: 'DELETE', url: `${base}/partner.example` }), 404, 'not_found', 'trust_domain');
      errorOf(await send({ method: 'GET', url: '/v1/federated-bundles/partner.example' }), 404, 'not_found', 'trust_domain');
    });

    it('serves an OpenAPI document with one operation per gRPC method and its schemas', async () => {
      const doc = (await send({ method: 'GET', url: OPENAPI_PATH })).body;
      assert.equal(doc.openapi, '3.1.0');
      for (const route of registrarRoutes) {
        const op = doc.paths[route.path]?.[route.method.toLowerCase()];
        assert.ok(op, `${route.method} ${route.path}`);
        assert.equal(op.operationId, route.rpc);
        assert.equal(op['x-signet-rpc'], `signet.registrar.v1.Registrar/${route.rpc}`);
        assert.deepEqual(op['x-signet-allow'], ['admin']);
        if (route.schema.body !== undefined) assert.ok(op.requestBody.content['application/json'].schema);
        if (route.schema.response !== undefined) assert.ok(op.responses[String(route.status)].content['application/json'].schema);
      }
      const ops = Object.values(doc.paths).flatMap((p: any) => Object.values(p).map((o: any) => o.operationId)); // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.deepEqual([...ops].sort(), Object.keys(h.registrar.service).sort(), 'every gRPC method has exactly one route');
    });
  });
}
