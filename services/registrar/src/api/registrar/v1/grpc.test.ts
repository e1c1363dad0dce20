/**
 * The registrar through real gRPC on a Unix socket (the platform's transport, PGlite behind):
 * wire types, errors with their status and field trailer, batch item statuses, and the policy
 * (callers on a non-admin socket are refused).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPGliteTestDatabase } from '@signet/datastore';
import { ApiError, signetProtos, startTestGrpcServer, unaryCall, type RegistrarClient } from '@signet/platform';
import { EXPECTED_STATUS, rejectsWithApiError } from '../../../testing/assertions.js';
import { useRegistrar } from '../../../testing/harness.js';
import { bundleDocuments, entryRequest, seedLocalBundle } from '../../../testing/seed.js';
import type * as w from '../../wire.js';

describe('registrar over gRPC on a Unix socket', () => {
  const h = useRegistrar(openPGliteTestDatabase);

  async function withServer(admin: boolean, fn: (client: RegistrarClient) => Promise<void>): Promise<void> {
    const protos = signetProtos();
    const server = await startTestGrpcServer({ services: [{ definition: protos.registrar, impl: h.registrar.service }], admin });
    try {
      await fn(server.client(protos.registrar));
    } finally {
      await server.close();
    }
  }

  it('creates, updates, reads and lists entries with proto wire types', async () => {
    await withServer(true, async (client) => {
      const created = await unaryCall<w.CreateEntriesResponse__Output>((cb) => client.CreateEntries({ entries: [entryRequest(1, { expires_at: 1893459600 }), entryRequest(2, { selectors: [] })] }, cb));
      assert.equal(created.results[0]?.status?.code, 0);
      assert.equal(created.results[0]?.entry?.expires_at, '1893459600');
      assert.equal(created.results[1]?.status?.code, EXPECTED_STATUS.invalid_argument.grpc);
      assert.equal(created.results[1]?.status?.field, 'entries[1].selectors');
      const id = created.results[0]?.entry?.id ?? '';
      const stale = await unaryCall<w.UpdateEntriesResponse__Output>((cb) =>
        client.UpdateEntries({ updates: [{ entry: { id, revision: 7, hint: 'x' }, mask: { hint: true } }] }, cb),
      );
      assert.equal(stale.results[0]?.status?.code, EXPECTED_STATUS.aborted.grpc);
      assert.equal(stale.results[0]?.status?.field, 'updates[0].entry.revision');
      const entry = await unaryCall<w.Entry__Output>((cb) => client.GetEntry({ id }, cb));
      assert.equal(entry.revision, '1');
      const page = await unaryCall<w.ListEntriesResponse__Output>((cb) => client.ListEntries({ selectors: [{ type: 'k8s', value: 'ns:prod' }], selector_match: 'SELECTOR_MATCH_SUPERSET' }, cb));
      assert.deepEqual(page.entries.map((e) => e.id), [id]);
    });
  });

  it('fails calls with the status of the error and the field in a trailer', async () => {
    await withServer(true, async (client) => {
      const missing = await rejectsWithApiError(unaryCall((cb) => client.GetEntry({ id: 'nope' }, cb)), { code: 'not_found', field: 'id' });
      assert.match(missing.message, /no entry with id "nope"/);
      await rejectsWithApiError(unaryCall((cb) => client.ListEntries({ page: { page_size: 1001 } }, cb)), { code: 'invalid_argument', field: 'page.page_size' });
      await rejectsWithApiError(unaryCall((cb) => client.CreateJoinToken({ ttl: -1 }, cb)), { code: 'invalid_argument', field: 'ttl' });
    });
  });

  it('returns bundle authorities as bytes', async () => {
    await seedLocalBundle(h.db, 'example.org', h.clock.now());
    await withServer(true, async (client) => {
      const doc = await unaryCall<w.BundleDocument__Output>((cb) => client.GetLocalBundle({}, cb));
      assert.ok(Buffer.isBuffer(doc.bundle?.x509_authorities[0]));
      assert.ok(Buffer.isBuffer(doc.bundle?.jwt_authorities[0]?.public_key));
      assert.match(doc.x509_pem, /^-----BEGIN CERTIFICATE-----/);
    });
  });

  it('creates a federation relationship with its bootstrap bundle as bytes, health int64 fields as strings', async () => {
    await withServer(true, async (client) => {
      const relationship = {
        trust_domain: 'partner.example',
        bundle_endpoint_url: 'https://partner.example/bundle',
        bundle_endpoint_profile: 'https_spiffe',
        endpoint_spiffe_id: 'spiffe://partner.example/spire/server',
      };
      const created = await unaryCall<w.FederationRelationship__Output>((cb) =>
        client.CreateFederationRelationship({ relationship, trust_domain_bundle: Buffer.from(bundleDocuments('partner.example', 3n).spiffeJson) }, cb),
      );
      assert.deepEqual([created.health?.sequence_number, created.health?.bundle_age_seconds, created.health?.last_success_at], ['3', '0', '0']);
      const page = await unaryCall<w.ListFederationRelationshipsResponse__Output>((cb) => client.ListFederationRelationships({}, cb));
      assert.deepEqual(page.relationships.map((r) => r.trust_domain), ['partner.example']);
      await rejectsWithApiError(unaryCall((cb) => client.CreateFederationRelationship({ relationship }, cb)), { code: 'invalid_argument', field: 'trust_domain_bundle' });
      await rejectsWithApiError(unaryCall((cb) => client.RefreshFederationRelationship({ trust_domain: 'nobody.example' }, cb)), { code: 'not_found', field: 'trust_domain' });
    });
  });

  it('refuses callers on a socket that is not the admin socket, writing nothing', async () => {
    const before = await h.counts();
    await withServer(false, async (client) => {
      const err = await rejectsWithApiError(unaryCall((cb) => client.CreateEntries({ entries: [entryRequest(1)] }, cb)), { code: 'unauthenticated' });
      assert.ok(err instanceof ApiError);
    });
    assert.deepEqual(await h.counts(), before);
  });
});
