/**
 * The bundle methods through the service table: the local bundle as the CA wrote it, federated
 * bundles set from SPIFFE JSON and PEM (sequence kept or incremented), listed, shown and
 * deleted, with events; malformed documents and the local trust domain refused.
 * @module
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { getBundle, insertAuthority, transitionAuthority } from '@signet/datastore';
import { SpiffeBundle, TrustDomain } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { rejectsWithApiError } from '../../../testing/assertions.js';
import type { RegistrarHarness } from '../../../testing/harness.js';
import { bundleDocuments, entryRequest, seedLocalBundle } from '../../../testing/seed.js';

/** Bundle tests. */
export function bundlesSuite(h: RegistrarHarness): void {
  describe('bundles', () => {
    it('shows the local bundle as DER, SPIFFE JSON and PEM, or NOT_FOUND before the CA wrote it', async () => {
      await rejectsWithApiError(h.call('GetLocalBundle', {}), { code: 'not_found' });
      const { pem } = await seedLocalBundle(h.db, 'example.org', h.clock.now());
      const doc = await h.call('GetLocalBundle', {});
      assert.equal(doc.bundle?.trust_domain, 'example.org');
      assert.equal(doc.x509_pem, pem);
      assert.equal(doc.bundle?.x509_authorities.length, 1);
      assert.ok(new X509Certificate(doc.bundle?.x509_authorities[0] ?? Buffer.alloc(0)).ca);
      assert.deepEqual(doc.bundle?.jwt_authorities.map((k) => k.key_id), ['example.org-key']);
      assert.equal(doc.bundle?.sequence_number, '1');
      const reparsed = SpiffeBundle.parse(TrustDomain.parse('example.org'), doc.spiffe_json);
      assert.equal(reparsed.x509Authorities().length, 1);
    });

    it('shows the tainted authorities the local bundle still holds (X.509 CA certificates and JWT key ids), and none when nothing is tainted', async () => {
      await seedLocalBundle(h.db, 'example.org', h.clock.now());
      assert.deepEqual((await h.call('GetLocalBundle', {})).bundle?.tainted_x509_authorities, []);
      const now = h.clock.now();
      const later = new Date(now.getTime() + 86_400_000);
      const ca = TestCa.create('example.org');
      const spki = new Uint8Array(new X509Certificate(ca.root.certificate).publicKey.export({ format: 'der', type: 'spki' }));
      const taint = async (input: Parameters<typeof insertAuthority>[1]): Promise<void> => {
        const a = await insertAuthority(h.db, input, now);
        for (const [from, to] of [['prepared', 'active'], ['active', 'old'], ['old', 'tainted']] as const) await transitionAuthority(h.db, { id: a.id, from, to }, now);
      };
      await taint({ kind: 'x509', publicKey: spki, certificate: ca.root.certificate, keyId: 'x509-key', keyRef: 'memory:x509', notBefore: now, notAfter: later });
      await taint({ kind: 'jwt', publicKey: spki, keyId: 'jwt-key-1', keyRef: 'memory:jwt', notBefore: now, notAfter: later });
      const bundle = (await h.call('GetLocalBundle', {})).bundle;
      assert.deepEqual(bundle?.tainted_x509_authorities.map((der) => Buffer.from(der).toString('hex')), [Buffer.from(ca.root.certificate).toString('hex')]);
      assert.deepEqual(bundle?.tainted_jwt_key_ids, ['jwt-key-1']);
    });

    it('sets a federated bundle from PEM, then from SPIFFE JSON, numbering or keeping its sequence, with events', async () => {
      const partner = bundleDocuments('partner.example', 40n);
      const fromPem = await h.call('SetFederatedBundle', { trust_domain: 'partner.example', format: 'pem', document: partner.pem });
      assert.equal(fromPem.bundle?.sequence_number, '1');
      assert.equal(fromPem.bundle?.jwt_authorities.length, 0);
      assert.equal(fromPem.x509_pem, partner.pem);
      assert.deepEqual(h.audit, { trust_domain: 'partner.example', format: 'pem', sequence_number: '1' });
      const fromJson = await h.call('SetFederatedBundle', { trust_domain: 'spiffe://partner.example', format: 'spiffe', document: partner.spiffeJson });
      assert.equal(fromJson.bundle?.sequence_number, '40');
      assert.equal(fromJson.bundle?.jwt_authorities.length, 1);
      const again = await h.call('SetFederatedBundle', { trust_domain: 'partner.example', format: '', document: partner.pem });
      assert.equal(again.bundle?.sequence_number, '3', 'a document without a sequence gets the store counter');
      const stored = await getBundle(h.db, 'partner.example');
      assert.deepEqual([stored?.source, stored?.sequence], ['manual', 3]);
      const events = (await h.events()).filter((e) => e.kind === 'bundle.updated');
      assert.deepEqual(events.map((e) => e.payload), [1, 2, 3].map((sequence) => ({ sequence, source: 'manual' })));
    });

    it('lists federated bundles a page at a time without the local one, and shows one', async () => {
      await seedLocalBundle(h.db, 'example.org', h.clock.now());
      for (const td of ['c.example', 'a.example', 'b.example']) {
        await h.call('SetFederatedBundle', { trust_domain: td, document: bundleDocuments(td).pem });
      }
      const first = await h.call('ListFederatedBundles', { page: { page_size: 2 } });
      const second = await h.call('ListFederatedBundles', { page: { page_size: 2, page_token: first.next_page_token } });
      assert.deepEqual([...first.bundles, ...second.bundles].map((b) => b.bundle?.trust_domain), ['a.example', 'b.example', 'c.example']);
      assert.equal(second.next_page_token, '');
      assert.equal((await h.call('GetFederatedBundle', { trust_domain: 'b.example' })).bundle?.trust_domain, 'b.example');
      await rejectsWithApiError(h.call('GetFederatedBundle', { trust_domain: 'z.example' }), { code: 'not_found', field: 'trust_domain' });
      await rejectsWithApiError(h.call('GetFederatedBundle', { trust_domain: 'example.org' }), { code: 'invalid_argument', field: 'trust_domain' });
    });

    const refused: [string, { trust_domain?: string; format?: string; document?: string }, string][] = [
      ['a malformed SPIFFE document', { trust_domain: 'partner.example', format: 'spiffe', document: '{"keys": "nope"}' }, 'document'],
      ['a malformed PEM document', { trust_domain: 'partner.example', format: 'pem', document: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }, 'document'],
      ['an unknown format', { trust_domain: 'partner.example', format: 'der', document: 'x' }, 'format'],
      ['the local trust domain', { trust_domain: 'example.org', format: 'pem', document: bundleDocuments('example.org').pem }, 'trust_domain'],
      ['an invalid trust domain', { trust_domain: 'Partner', format: 'pem', document: 'x' }, 'trust_domain'],
    ];
    for (const [name, request, field] of refused) {
      it(`refuses to set ${name}, changing nothing`, async () => {
        const before = await h.counts();
        await rejectsWithApiError(h.call('SetFederatedBundle', request), { code: 'invalid_argument', field });
        assert.deepEqual(await h.counts(), before);
      });
    }

    it('deletes a federated bundle with an event, but not while entries federate with it', async () => {
      await h.call('SetFederatedBundle', { trust_domain: 'partner.example', document: bundleDocuments('partner.example').pem });
      const created = await h.call('CreateEntries', { entries: [entryRequest(1, { federates_with: ['partner.example'] })] });
      const before = await h.counts();
      await rejectsWithApiError(h.call('DeleteFederatedBundle', { trust_domain: 'partner.example' }), {
        code: 'failed_precondition',
        field: 'trust_domain',
        message: '1 entries federate with "partner.example"',
      });
      assert.deepEqual(await h.counts(), before);
      await h.call('DeleteEntries', { ids: [created.results[0]?.entry?.id ?? ''] });
      assert.deepEqual(await h.call('DeleteFederatedBundle', { trust_domain: 'partner.example' }), {});
      assert.equal(await getBundle(h.db, 'partner.example'), undefined);
      assert.deepEqual([(await h.events()).at(-1)?.kind, (await h.events()).at(-1)?.subject], ['bundle.deleted', 'partner.example']);
      await rejectsWithApiError(h.call('DeleteFederatedBundle', { trust_domain: 'partner.example' }), { code: 'not_found', field: 'trust_domain' });
    });
  });
}
