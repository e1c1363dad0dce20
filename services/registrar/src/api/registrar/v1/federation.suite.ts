/**
 * The federation relationship methods through the service table: create (with the bootstrap
 * bundle stored as the trust domain's federated bundle, in one transaction), every refused field,
 * update with and without a mask, delete (relationship, status and bundle), refresh, and the
 * health computed from the fetcher's status rows; events and audit fields.
 * @module
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  getBundle,
  getFederationRelationship,
  getFederationStatus,
  recordFederationFailure,
  recordFederationSuccess,
  type Db,
  type Tx,
} from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { JwtBundle, SpiffeBundle, TrustDomain, X509Bundle } from '@signet/spiffe';
import { FederationService } from '../../../federation/federation-service.js';
import { rejectsWithApiError } from '../../../testing/assertions.js';
import { TEST_START, type RegistrarHarness } from '../../../testing/harness.js';
import { bundleDocuments, entryRequest } from '../../../testing/seed.js';
import { defaultTracer } from '../../../telemetry/spans.js';
import type { CreateFederationRelationshipRequest, FederationRelationship } from '../../wire.js';

const PARTNER = 'partner.example';
const START = TEST_START.getTime() / 1000;

/** An https_web relationship request for `td`. */
function web(td = PARTNER, overrides: Partial<FederationRelationship> = {}): CreateFederationRelationshipRequest {
  return { relationship: { trust_domain: td, bundle_endpoint_url: `https://${td}/bundle`, bundle_endpoint_profile: 'https_web', ...overrides } };
}

/** An https_spiffe relationship request for `td`, with its SPIFFE bundle document. */
function spiffe(td = PARTNER, sequence?: bigint): CreateFederationRelationshipRequest {
  return {
    relationship: {
      trust_domain: td,
      bundle_endpoint_url: `https://${td}:8443/bundle`,
      bundle_endpoint_profile: 'https_spiffe',
      endpoint_spiffe_id: `spiffe://${td}/spire/server`,
    },
    trust_domain_bundle: Buffer.from(bundleDocuments(td, sequence).spiffeJson),
  };
}

function jwtOnlyBundle(td: string): Buffer {
  const trustDomain = TrustDomain.parse(td);
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return Buffer.from(SpiffeBundle.fromX509AndJwt(X509Bundle.empty(trustDomain), JwtBundle.fromKeys(trustDomain, [['k1', publicKey]])).toJson());
}

/** `db`, whose transactions fail on the first statement matching `pattern`. */
function failingOn(db: Db, pattern: RegExp): Db {
  const wrapTx = (tx: Tx): Tx =>
    new Proxy(tx, {
      get(target, key, receiver) {
        if (key === 'query') {
          return (sql: string, params?: unknown[]) => {
            if (pattern.test(sql)) return Promise.reject(new Error(`injected failure on ${pattern}`));
            return target.query(sql, params as never);
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key === 'transaction') return (fn: (tx: Tx) => Promise<unknown>, options?: object) => target.transaction((tx) => fn(wrapTx(tx)), options);
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Federation relationship tests. */
export function federationSuite(h: RegistrarHarness): void {
  describe('federation relationships', () => {
    describe('CreateFederationRelationship', () => {
      it('creates an https_web relationship without a bundle, with an event and the trust domain audited', async () => {
        const created = await h.call('CreateFederationRelationship', web(PARTNER, { trust_domain: `spiffe://${PARTNER}`, trusted_by_all: true }));
        assert.deepEqual(created, {
          trust_domain: PARTNER,
          bundle_endpoint_url: 'https://partner.example/bundle',
          bundle_endpoint_profile: 'https_web',
          endpoint_spiffe_id: '',
          trusted_by_all: true,
          health: { last_attempt_at: '0', last_success_at: '0', last_error: '', sequence_number: '0', bundle_age_seconds: '-1', stale: false, next_refresh_at: '0' },
          created_at: String(START),
          updated_at: String(START),
        });
        assert.equal(h.audit['trust_domain'], PARTNER);
        assert.equal(h.audit['bootstrap_bundle'], false);
        assert.equal(await getBundle(h.db, PARTNER), undefined, 'no bundle without a bootstrap bundle');
        const events = await h.events();
        assert.deepEqual(
          events.map((e) => [e.kind, e.subject, e.payload]),
          [
            [
              'federation_relationship.created',
              PARTNER,
              { bundle_endpoint_url: 'https://partner.example/bundle', bundle_endpoint_profile: 'https_web', endpoint_spiffe_id: null, trusted_by_all: true },
            ],
          ],
        );
      });

      it('creates an https_spiffe relationship and stores its bootstrap bundle as the federated bundle, keeping its sequence', async () => {
        const created = await h.call('CreateFederationRelationship', spiffe(PARTNER, 40n));
        assert.equal(created.endpoint_spiffe_id, 'spiffe://partner.example/spire/server');
        assert.equal(created.trusted_by_all, false);
        assert.deepEqual([created.health?.sequence_number, created.health?.bundle_age_seconds, created.health?.stale], ['40', '0', false]);
        const stored = await getBundle(h.db, PARTNER);
        assert.deepEqual([stored?.source, stored?.document['spiffe_sequence']], ['federated', 40]);
        assert.deepEqual(
          (await h.events()).map((e) => [e.kind, e.subject]),
          [
            ['federation_relationship.created', PARTNER],
            ['bundle.updated', PARTNER],
          ],
        );
        assert.deepEqual((await h.events()).at(-1)?.payload, { sequence: 1, source: 'federated' });
        const shown = await h.call('GetFederatedBundle', { trust_domain: PARTNER });
        assert.equal(shown.bundle?.sequence_number, '40');
        assert.equal(shown.bundle?.trusted_by_all, false);
      });

      it('shows the federated bundle of a relationship trusted by all workloads as trusted_by_all, in Get and List, and not once the mark is removed', async () => {
        const request = spiffe(PARTNER, 7n);
        await h.call('CreateFederationRelationship', { ...request, relationship: { ...request.relationship, trusted_by_all: true } });
        assert.equal((await h.call('GetFederatedBundle', { trust_domain: PARTNER })).bundle?.trusted_by_all, true);
        const listed = await h.call('ListFederatedBundles', {});
        assert.deepEqual(listed.bundles.map((b) => [b.bundle?.trust_domain, b.bundle?.trusted_by_all]), [[PARTNER, true]]);
        await h.call('UpdateFederationRelationship', { relationship: { trust_domain: PARTNER, trusted_by_all: false }, mask: { trusted_by_all: true } });
        assert.equal((await h.call('GetFederatedBundle', { trust_domain: PARTNER })).bundle?.trusted_by_all, false);
      });

      it('replaces a bundle set by hand with a PEM bootstrap bundle, numbered with the store counter', async () => {
        const docs = bundleDocuments(PARTNER);
        await h.call('SetFederatedBundle', { trust_domain: PARTNER, format: 'pem', document: docs.pem });
        const created = await h.call('CreateFederationRelationship', {
          ...web(),
          trust_domain_bundle: Buffer.from(docs.pem),
          trust_domain_bundle_format: 'pem',
        });
        assert.equal(created.health?.sequence_number, '2');
        const stored = await getBundle(h.db, PARTNER);
        assert.deepEqual([stored?.source, stored?.sequence], ['federated', 2]);
        assert.equal(h.audit['bootstrap_bundle'], true);
      });

      it('refuses a second relationship for the trust domain with ALREADY_EXISTS, changing nothing', async () => {
        await h.call('CreateFederationRelationship', web());
        const before = await h.counts();
        await rejectsWithApiError(h.call('CreateFederationRelationship', spiffe()), {
          code: 'already_exists',
          field: 'relationship.trust_domain',
          message: 'already exists',
        });
        assert.deepEqual(await h.counts(), before);
      });

      it('writes nothing when the transaction fails after the relationship and the bundle were written', async () => {
        const before = await h.counts();
        const federation = new FederationService({
          db: failingOn(h.db, /INSERT INTO change_events/),
          trustDomain: TrustDomain.parse('example.org'),
          clock: h.clock,
          limits: { defaultPageSize: 100, maxPageSize: 1000 },
          tracer: defaultTracer(),
        });
        const draft = { trustDomain: PARTNER, bundleEndpointUrl: 'https://partner.example/b', bundleEndpointProfile: 'https_spiffe', endpointSpiffeId: 'spiffe://partner.example/s', trustedByAll: false };
        await assert.rejects(federation.create({ relationship: draft, trustDomainBundle: Buffer.from(bundleDocuments(PARTNER).spiffeJson) }), /injected failure/);
        assert.deepEqual(await h.counts(), before);
        assert.equal(await getFederationRelationship(h.db, PARTNER), undefined);
      });

      const long = `https://${PARTNER}/${'a'.repeat(2049 - `https://${PARTNER}/`.length)}`;
      const refused: [string, CreateFederationRelationshipRequest, string, RegExp?][] = [
        ['no relationship at all', {}, 'relationship.trust_domain', /must not be empty/],
        ['an invalid trust domain', web('Partner.Example'), 'relationship.trust_domain', /not a valid trust domain/],
        ["the server's own trust domain", web('example.org'), 'relationship.trust_domain', /own trust domain/],
        ['a missing bundle endpoint URL', web(PARTNER, { bundle_endpoint_url: '' }), 'relationship.bundle_endpoint_url', /is required/],
        ['an http:// URL', web(PARTNER, { bundle_endpoint_url: 'http://partner.example/bundle' }), 'relationship.bundle_endpoint_url', /https:\/\//],
        ['a URL without a host', web(PARTNER, { bundle_endpoint_url: 'https:///bundle' }), 'relationship.bundle_endpoint_url', /https:\/\//],
        ['a URL with whitespace', web(PARTNER, { bundle_endpoint_url: 'https://partner.example/a b' }), 'relationship.bundle_endpoint_url', /whitespace/],
        ['a URL with credentials', web(PARTNER, { bundle_endpoint_url: 'https://me:secret@partner.example/bundle' }), 'relationship.bundle_endpoint_url', /credentials/],
        ['a URL over 2048 characters', web(PARTNER, { bundle_endpoint_url: long }), 'relationship.bundle_endpoint_url', /at most 2048/],
        ['a missing profile', web(PARTNER, { bundle_endpoint_profile: '' }), 'relationship.bundle_endpoint_profile', /is required/],
        ['an unknown profile', web(PARTNER, { bundle_endpoint_profile: 'https' }), 'relationship.bundle_endpoint_profile', /"https_web" or "https_spiffe"/],
        ['an endpoint SPIFFE ID with https_web', web(PARTNER, { endpoint_spiffe_id: 'spiffe://partner.example/server' }), 'relationship.endpoint_spiffe_id', /must be empty/],
        [
          'https_spiffe without an endpoint SPIFFE ID',
          { ...spiffe(), relationship: { ...spiffe().relationship, endpoint_spiffe_id: '' } },
          'relationship.endpoint_spiffe_id',
          /is required for bundle_endpoint_profile "https_spiffe"/,
        ],
        [
          'an endpoint SPIFFE ID of another trust domain',
          { ...spiffe(), relationship: { ...spiffe().relationship, endpoint_spiffe_id: 'spiffe://other.example/server' } },
          'relationship.endpoint_spiffe_id',
          /not in trust domain "partner\.example"/,
        ],
        [
          'an endpoint SPIFFE ID naming the bare trust domain',
          { ...spiffe(), relationship: { ...spiffe().relationship, endpoint_spiffe_id: 'spiffe://partner.example' } },
          'relationship.endpoint_spiffe_id',
          /not the trust domain itself/,
        ],
        [
          'a malformed endpoint SPIFFE ID',
          { ...spiffe(), relationship: { ...spiffe().relationship, endpoint_spiffe_id: 'partner.example/server' } },
          'relationship.endpoint_spiffe_id',
          /not a valid SPIFFE ID/,
        ],
        ['https_spiffe without a bootstrap bundle', { relationship: spiffe().relationship }, 'trust_domain_bundle', /is required for bundle_endpoint_profile "https_spiffe"/],
        ['a malformed SPIFFE bundle document', { ...web(), trust_domain_bundle: Buffer.from('{"keys": "nope"}') }, 'trust_domain_bundle', /not a valid SPIFFE bundle document/],
        ['PEM given as the default format', { ...web(), trust_domain_bundle: Buffer.from(bundleDocuments(PARTNER).pem) }, 'trust_domain_bundle', /looks like PEM/],
        ['a malformed PEM bundle', { ...web(), trust_domain_bundle: Buffer.from('garbage'), trust_domain_bundle_format: 'pem' }, 'trust_domain_bundle', /not a valid PEM bundle/],
        ['a bundle that is not UTF-8', { ...web(), trust_domain_bundle: Buffer.from([0xff, 0xfe, 0x00]) }, 'trust_domain_bundle', /UTF-8/],
        ['a bundle without any authority', { ...web(), trust_domain_bundle: Buffer.from('{"keys": []}') }, 'trust_domain_bundle', /no X\.509 or JWT authority/],
        ['a JWT-only bundle for https_spiffe', { ...spiffe(), trust_domain_bundle: jwtOnlyBundle(PARTNER) }, 'trust_domain_bundle', /no X\.509 authority/],
        ['an unknown bundle format', { ...web(), trust_domain_bundle: Buffer.from('x'), trust_domain_bundle_format: 'der' }, 'trust_domain_bundle_format', /"spiffe" \(the default\) or "pem"/],
      ];
      for (const [name, request, field, message] of refused) {
        it(`refuses ${name} with INVALID_ARGUMENT on ${field}, changing nothing`, async () => {
          const before = await h.counts();
          await rejectsWithApiError(h.call('CreateFederationRelationship', request), { code: 'invalid_argument', field, ...(message ? { message } : {}) });
          assert.deepEqual(await h.counts(), before);
        });
      }
    });

    describe('GetFederationRelationship and ListFederationRelationships', () => {
      it('shows one relationship, NOT_FOUND for an unknown one, INVALID_ARGUMENT for our own trust domain', async () => {
        await h.call('CreateFederationRelationship', web());
        const shown = await h.call('GetFederationRelationship', { trust_domain: PARTNER });
        assert.equal(shown.bundle_endpoint_url, 'https://partner.example/bundle');
        assert.deepEqual(h.audit, { trust_domain: PARTNER });
        await rejectsWithApiError(h.call('GetFederationRelationship', { trust_domain: 'nobody.example' }), { code: 'not_found', field: 'trust_domain' });
        await rejectsWithApiError(h.call('GetFederationRelationship', { trust_domain: 'example.org' }), { code: 'invalid_argument', field: 'trust_domain' });
        await rejectsWithApiError(h.call('GetFederationRelationship', {}), { code: 'invalid_argument', field: 'trust_domain' });
      });

      it('lists relationships a page at a time in trust domain order, with tamper-proof page tokens', async () => {
        for (const td of ['c.example', 'a.example', 'b.example']) await h.call('CreateFederationRelationship', web(td));
        const first = await h.call('ListFederationRelationships', { page: { page_size: 2 } });
        assert.notEqual(first.next_page_token, '');
        const second = await h.call('ListFederationRelationships', { page: { page_size: 2, page_token: first.next_page_token } });
        assert.deepEqual([...first.relationships, ...second.relationships].map((r) => r.trust_domain), ['a.example', 'b.example', 'c.example']);
        assert.equal(second.next_page_token, '');
        assert.ok(first.relationships.every((r) => r.health !== null && r.health.bundle_age_seconds === '-1'));
        assert.equal((await h.call('ListFederationRelationships', {})).relationships.length, 3);
        const tampered = `${first.next_page_token.slice(0, -2)}xx`;
        await rejectsWithApiError(h.call('ListFederationRelationships', { page: { page_token: tampered } }), { code: 'invalid_argument', field: 'page.page_token' });
        for (const td of ['a.example', 'b.example', 'c.example']) await h.call('SetFederatedBundle', { trust_domain: td, document: bundleDocuments(td).pem });
        const bundlePage = await h.call('ListFederatedBundles', { page: { page_size: 1 } });
        await rejectsWithApiError(h.call('ListFederationRelationships', { page: { page_token: bundlePage.next_page_token } }), {
          code: 'invalid_argument',
          field: 'page.page_token',
          message: 'another listing',
        });
        await rejectsWithApiError(h.call('ListFederationRelationships', { page: { page_size: 1001 } }), { code: 'invalid_argument', field: 'page.page_size' });
      });
    });

    describe('health', () => {
      it('reports the last fetch, the bundle age and staleness from the status rows', async () => {
        await h.call('CreateFederationRelationship', web());
        const fetchedAt = h.clock.now();
        await recordFederationSuccess(
          h.db,
          { trustDomain: PARTNER, sequenceNumber: 7n, refreshHintSeconds: 60, nextRefreshAt: new Date(fetchedAt.getTime() + 30_000) },
          fetchedAt,
        );
        h.clock.advance(100_000);
        const fresh = await h.call('GetFederationRelationship', { trust_domain: PARTNER });
        assert.deepEqual(fresh.health, {
          last_attempt_at: String(START),
          last_success_at: String(START),
          last_error: '',
          sequence_number: '7',
          bundle_age_seconds: '100',
          stale: false,
          next_refresh_at: String(START + 30),
        });
        await recordFederationFailure(h.db, { trustDomain: PARTNER, error: 'connect ECONNREFUSED', nextRefreshAt: new Date(h.clock.now().getTime() + 10_000) }, h.clock.now());
        h.clock.advance(21_000);
        const [failing] = (await h.call('ListFederationRelationships', {})).relationships;
        assert.deepEqual(failing?.health, {
          last_attempt_at: String(START + 100),
          last_success_at: String(START),
          last_error: 'connect ECONNREFUSED',
          sequence_number: '7',
          bundle_age_seconds: '121',
          stale: true,
          next_refresh_at: String(START + 110),
        });
      });

      it('assumes a 5 minute refresh hint when the fetcher recorded none', async () => {
        await h.call('CreateFederationRelationship', web());
        await recordFederationSuccess(h.db, { trustDomain: PARTNER, sequenceNumber: undefined, refreshHintSeconds: undefined, nextRefreshAt: h.clock.now() }, h.clock.now());
        h.clock.advance(600_000);
        const atLimit = (await h.call('GetFederationRelationship', { trust_domain: PARTNER })).health;
        assert.deepEqual([atLimit?.bundle_age_seconds, atLimit?.stale, atLimit?.sequence_number], ['600', false, '0']);
        h.clock.advance(1_000);
        assert.equal((await h.call('GetFederationRelationship', { trust_domain: PARTNER })).health?.stale, true);
      });

      it('ages a bootstrap bundle never fetched from when it was stored, and a relationship without a bundle from its creation', async () => {
        await h.call('CreateFederationRelationship', web('bare.example'));
        h.clock.advance(200_000);
        await h.call('CreateFederationRelationship', spiffe(PARTNER, 9n));
        h.clock.advance(450_000);
        const { relationships } = await h.call('ListFederationRelationships', {});
        const health = Object.fromEntries(relationships.map((r) => [r.trust_domain, r.health]));
        assert.deepEqual([health['bare.example']?.bundle_age_seconds, health['bare.example']?.stale], ['-1', true], 'nothing fetched in 650s');
        assert.deepEqual([health[PARTNER]?.bundle_age_seconds, health[PARTNER]?.stale, health[PARTNER]?.sequence_number], ['450', false, '9']);
        assert.deepEqual([health[PARTNER]?.last_success_at, health[PARTNER]?.last_attempt_at], ['0', '0']);
      });
    });

    describe('UpdateFederationRelationship', () => {
      it('sets only the masked fields and appends federation_relationship.updated', async () => {
        await h.call('CreateFederationRelationship', web(PARTNER, { trusted_by_all: true }));
        h.clock.advance(5_000);
        const updated = await h.call('UpdateFederationRelationship', {
          relationship: { trust_domain: PARTNER, bundle_endpoint_url: 'https://bundles.partner.example/v2', bundle_endpoint_profile: 'ignored' },
          mask: { bundle_endpoint_url: true },
        });
        assert.deepEqual(
          [updated.bundle_endpoint_url, updated.bundle_endpoint_profile, updated.trusted_by_all, updated.updated_at],
          ['https://bundles.partner.example/v2', 'https_web', true, String(START + 5)],
        );
        const last = (await h.events()).at(-1);
        assert.deepEqual([last?.kind, last?.subject, last?.payload], [
          'federation_relationship.updated',
          PARTNER,
          { bundle_endpoint_url: 'https://bundles.partner.example/v2', bundle_endpoint_profile: 'https_web', endpoint_spiffe_id: null, trusted_by_all: true, fields: ['bundle_endpoint_url'] },
        ]);
        assert.deepEqual(h.audit, { trust_domain: PARTNER, fields: ['bundle_endpoint_url'] });
        const unset = await h.call('UpdateFederationRelationship', { relationship: { trust_domain: PARTNER }, mask: { trusted_by_all: true } });
        assert.equal(unset.trusted_by_all, false);
      });

      it('replaces every settable field without a mask', async () => {
        await h.call('CreateFederationRelationship', web(PARTNER, { trusted_by_all: true }));
        const before = await h.counts();
        await rejectsWithApiError(h.call('UpdateFederationRelationship', { relationship: { trust_domain: PARTNER } }), {
          code: 'invalid_argument',
          field: 'relationship.bundle_endpoint_url',
        });
        assert.deepEqual(await h.counts(), before);
        const replaced = await h.call('UpdateFederationRelationship', {
          relationship: { trust_domain: PARTNER, bundle_endpoint_url: 'https://partner.example/new', bundle_endpoint_profile: 'https_web' },
        });
        assert.deepEqual([replaced.bundle_endpoint_url, replaced.trusted_by_all], ['https://partner.example/new', false]);
        assert.deepEqual(h.audit['fields'], ['*']);
      });

      it('switches to https_spiffe only with an endpoint SPIFFE ID and a held X.509 bundle, and back to https_web dropping the ID', async () => {
        await h.call('CreateFederationRelationship', web());
        const before = await h.counts();
        await rejectsWithApiError(
          h.call('UpdateFederationRelationship', { relationship: { trust_domain: PARTNER, bundle_endpoint_profile: 'https_spiffe' }, mask: { bundle_endpoint_profile: true } }),
          { code: 'invalid_argument', field: 'relationship.endpoint_spiffe_id', message: 'is required' },
        );
        const toSpiffe = {
          relationship: { trust_domain: PARTNER, bundle_endpoint_profile: 'https_spiffe', endpoint_spiffe_id: 'spiffe://partner.example/spire/server' },
          mask: { bundle_endpoint_profile: true, endpoint_spiffe_id: true },
        };
        await rejectsWithApiError(h.call('UpdateFederationRelationship', toSpiffe), {
          code: 'failed_precondition',
          field: 'relationship.bundle_endpoint_profile',
          message: 'set its bundle first',
        });
        await rejectsWithApiError(
          h.call('UpdateFederationRelationship', {
            relationship: { trust_domain: PARTNER, endpoint_spiffe_id: 'spiffe://partner.example/spire/server' },
            mask: { endpoint_spiffe_id: true },
          }),
          { code: 'invalid_argument', field: 'relationship.endpoint_spiffe_id', message: 'must be empty' },
        );
        assert.deepEqual(await h.counts(), before);
        await h.call('SetFederatedBundle', { trust_domain: PARTNER, format: 'pem', document: bundleDocuments(PARTNER).pem });
        const spiffeProfile = await h.call('UpdateFederationRelationship', toSpiffe);
        assert.deepEqual([spiffeProfile.bundle_endpoint_profile, spiffeProfile.endpoint_spiffe_id], ['https_spiffe', 'spiffe://partner.example/spire/server']);
        const moved = await h.call('UpdateFederationRelationship', {
          relationship: { trust_domain: PARTNER, endpoint_spiffe_id: 'spiffe://partner.example/bundle-server' },
          mask: { endpoint_spiffe_id: true },
        });
        assert.equal(moved.endpoint_spiffe_id, 'spiffe://partner.example/bundle-server');
        const backToWeb = await h.call('UpdateFederationRelationship', {
          relationship: { trust_domain: PARTNER, bundle_endpoint_profile: 'https_web' },
          mask: { bundle_endpoint_profile: true },
        });
        assert.deepEqual([backToWeb.bundle_endpoint_profile, backToWeb.endpoint_spiffe_id], ['https_web', '']);
        assert.equal((await getFederationRelationship(h.db, PARTNER))?.endpointSpiffeId, null);
      });

      const refused: [string, Parameters<RegistrarHarness['call']>[1], { code: 'invalid_argument' | 'not_found'; field: string }][] = [
        ['an empty mask', { relationship: { trust_domain: PARTNER }, mask: {} }, { code: 'invalid_argument', field: 'mask' }],
        ['an unknown relationship', { relationship: { trust_domain: 'nobody.example', trusted_by_all: true }, mask: { trusted_by_all: true } }, { code: 'not_found', field: 'relationship.trust_domain' }],
        ['a bad URL', { relationship: { trust_domain: PARTNER, bundle_endpoint_url: 'ftp://x' }, mask: { bundle_endpoint_url: true } }, { code: 'invalid_argument', field: 'relationship.bundle_endpoint_url' }],
        ['a bad profile', { relationship: { trust_domain: PARTNER, bundle_endpoint_profile: 'web' }, mask: { bundle_endpoint_profile: true } }, { code: 'invalid_argument', field: 'relationship.bundle_endpoint_profile' }],
        ["our own trust domain", { relationship: { trust_domain: 'example.org' }, mask: { trusted_by_all: true } }, { code: 'invalid_argument', field: 'relationship.trust_domain' }],
      ];
      for (const [name, request, expected] of refused) {
        it(`refuses ${name}, changing nothing`, async () => {
          await h.call('CreateFederationRelationship', web());
          const before = await h.counts();
          await rejectsWithApiError(h.call('UpdateFederationRelationship', request as never), expected);
          assert.deepEqual(await h.counts(), before);
        });
      }
    });

    describe('DeleteFederationRelationship', () => {
      it("deletes the relationship, its status and the trust domain's bundle, with events", async () => {
        await h.call('CreateFederationRelationship', spiffe());
        await recordFederationSuccess(h.db, { trustDomain: PARTNER, sequenceNumber: 1n, refreshHintSeconds: 60, nextRefreshAt: h.clock.now() }, h.clock.now());
        assert.deepEqual(await h.call('DeleteFederationRelationship', { trust_domain: PARTNER }), {});
        assert.deepEqual(h.audit, { trust_domain: PARTNER });
        assert.equal(await getFederationRelationship(h.db, PARTNER), undefined);
        assert.equal(await getFederationStatus(h.db, PARTNER), undefined);
        assert.equal(await getBundle(h.db, PARTNER), undefined);
        assert.deepEqual(
          (await h.events()).slice(-2).map((e) => [e.kind, e.subject]),
          [
            ['federation_relationship.deleted', PARTNER],
            ['bundle.deleted', PARTNER],
          ],
        );
        await rejectsWithApiError(h.call('DeleteFederationRelationship', { trust_domain: PARTNER }), { code: 'not_found', field: 'trust_domain' });
      });

      it('deletes a relationship without a bundle', async () => {
        await h.call('CreateFederationRelationship', web());
        await h.call('DeleteFederationRelationship', { trust_domain: PARTNER });
        assert.deepEqual((await h.events()).map((e) => e.kind), ['federation_relationship.created', 'federation_relationship.deleted']);
      });

      it('refuses while entries federate with the trust domain, changing nothing', async () => {
        await h.call('CreateFederationRelationship', web());
        const created = await h.call('CreateEntries', { entries: [entryRequest(1, { federates_with: [PARTNER] })] });
        assert.equal(created.results[0]?.status?.code, 0, created.results[0]?.status?.message);
        const before = await h.counts();
        await rejectsWithApiError(h.call('DeleteFederationRelationship', { trust_domain: PARTNER }), {
          code: 'failed_precondition',
          field: 'trust_domain',
          message: '1 entries federate with "partner.example"',
        });
        assert.deepEqual(await h.counts(), before);
      });
    });

    describe('RefreshFederationRelationship', () => {
      it('appends federation_relationship.refresh_requested for the trust domain and answers with the relationship', async () => {
        await h.call('CreateFederationRelationship', web());
        const answered = await h.call('RefreshFederationRelationship', { trust_domain: `spiffe://${PARTNER}` });
        assert.equal(answered.trust_domain, PARTNER);
        assert.deepEqual(h.audit, { trust_domain: PARTNER }, 'the canonical name once known');
        const last = (await h.events()).at(-1);
        assert.deepEqual([last?.kind, last?.subject, last?.payload], ['federation_relationship.refresh_requested', PARTNER, {}]);
        const before = await h.counts();
        await rejectsWithApiError(h.call('RefreshFederationRelationship', { trust_domain: 'nobody.example' }), { code: 'not_found', field: 'trust_domain' });
        assert.deepEqual(await h.counts(), before);
      });
    });

    it('answers every method with an ApiError for a garbage trust domain', async () => {
      for (const method of ['GetFederationRelationship', 'DeleteFederationRelationship', 'RefreshFederationRelationship'] as const) {
        const err = await rejectsWithApiError(h.call(method, { trust_domain: 'not a domain' }), { code: 'invalid_argument', field: 'trust_domain' });
        assert.ok(err instanceof ApiError);
      }
    });
  });
}
