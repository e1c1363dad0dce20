/**
 * Federation relationships: CRUD, profile rules, pagination.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../errors.js';
import {
  createFederationRelationship,
  deleteFederationRelationship,
  getFederationRelationship,
  listFederationRelationships,
  type NewFederationRelationship,
  updateFederationRelationship,
} from '../federation/federation-relationships.js';
import { at, countRows, rejectsWith, type SuiteContext } from './context.js';

const spiffeProfile: NewFederationRelationship = {
  trustDomain: 'partner.example',
  bundleEndpointUrl: 'https://partner.example:8443/bundle',
  bundleEndpointProfile: 'https_spiffe',
  endpointSpiffeId: 'spiffe://partner.example/bundle-server',
};

const badRelationships: { name: string; input: NewFederationRelationship; constraint: string }[] = [
  {
    name: 'https_spiffe without an endpoint SPIFFE ID',
    input: { ...spiffeProfile, endpointSpiffeId: null },
    constraint: 'federation_relationships_endpoint_spiffe_id_check',
  },
  {
    name: 'https_web with an endpoint SPIFFE ID',
    input: { ...spiffeProfile, bundleEndpointProfile: 'https_web' },
    constraint: 'federation_relationships_endpoint_spiffe_id_check',
  },
  {
    name: 'a plain http URL',
    input: { ...spiffeProfile, bundleEndpointUrl: 'http://partner.example/bundle' },
    constraint: 'federation_relationships_bundle_endpoint_url_check',
  },
  {
    name: 'an unknown profile',
    input: { ...spiffeProfile, bundleEndpointProfile: 'https_both' as 'https_web', endpointSpiffeId: null },
    constraint: 'federation_relationships_profile_check',
  },
  {
    name: 'a trust domain with a path',
    input: { ...spiffeProfile, trustDomain: 'partner.example/x' },
    constraint: 'federation_relationships_trust_domain_check',
  },
];

/** Registers the federation relationship tests. */
export function federationSuite(ctx: SuiteContext): void {
  describe('federation relationships', () => {
    it('creates, reads, updates and deletes a relationship', async () => {
      const created = await createFederationRelationship(ctx.db, spiffeProfile, at(0));
      assert.deepEqual(created, {
        ...spiffeProfile,
        trustedByAll: false,
        createdAt: at(0),
        updatedAt: at(0),
      });
      assert.deepEqual(await getFederationRelationship(ctx.db, 'partner.example'), created);
      const updated = await updateFederationRelationship(
        ctx.db,
        'partner.example',
        { bundleEndpointProfile: 'https_web', endpointSpiffeId: null, trustedByAll: true },
        at(5),
      );
      assert.deepEqual(updated, {
        ...created,
        bundleEndpointProfile: 'https_web',
        endpointSpiffeId: null,
        trustedByAll: true,
        updatedAt: at(5),
      });
      const urlOnly = await updateFederationRelationship(ctx.db, 'partner.example', { bundleEndpointUrl: 'https://new.example/b' }, at(6));
      assert.equal(urlOnly.bundleEndpointProfile, 'https_web');
      assert.equal(urlOnly.trustedByAll, true);
      assert.deepEqual(await deleteFederationRelationship(ctx.db, 'partner.example'), urlOnly);
      assert.equal(await getFederationRelationship(ctx.db, 'partner.example'), undefined);
    });

    for (const { name, input, constraint } of badRelationships) {
      it(`refuses ${name}`, async () => {
        await rejectsWith(createFederationRelationship(ctx.db, input, at(0)), {
          type: InvalidArgumentError,
          code: 'ERR_DATASTORE_INVALID_ARGUMENT',
          constraint,
        });
        assert.equal(await countRows(ctx.db, 'federation_relationships'), 0);
      });
    }

    it('refuses an update that breaks the profile rule, keeping the row', async () => {
      const created = await createFederationRelationship(ctx.db, spiffeProfile, at(0));
      await rejectsWith(updateFederationRelationship(ctx.db, 'partner.example', { bundleEndpointProfile: 'https_web' }, at(1)), {
        type: InvalidArgumentError,
        code: 'ERR_DATASTORE_INVALID_ARGUMENT',
        constraint: 'federation_relationships_endpoint_spiffe_id_check',
      });
      assert.deepEqual(await getFederationRelationship(ctx.db, 'partner.example'), created);
    });

    it('refuses a second relationship for a trust domain, and changes to a missing one', async () => {
      await createFederationRelationship(ctx.db, spiffeProfile, at(0));
      await rejectsWith(createFederationRelationship(ctx.db, spiffeProfile, at(0)), {
        type: AlreadyExistsError,
        code: 'ERR_DATASTORE_ALREADY_EXISTS',
        message: 'federation_relationships.trust_domain',
      });
      const missing = { type: NotFoundError, code: 'ERR_DATASTORE_NOT_FOUND' } as const;
      await rejectsWith(updateFederationRelationship(ctx.db, 'other.example', { trustedByAll: true }, at(1)), missing);
      await rejectsWith(deleteFederationRelationship(ctx.db, 'other.example'), missing);
    });

    it('pages through relationships by trust domain', async () => {
      for (const td of ['c.example', 'a.example', 'b.example']) {
        await createFederationRelationship(
          ctx.db,
          { trustDomain: td, bundleEndpointUrl: `https://${td}/b`, bundleEndpointProfile: 'https_web' },
          at(0),
        );
      }
      const first = await listFederationRelationships(ctx.db, { pageSize: 2 });
      const second = await listFederationRelationships(ctx.db, { pageSize: 2, pageToken: first.nextPageToken });
      assert.deepEqual(
        [...first.items, ...second.items].map((r) => r.trustDomain),
        ['a.example', 'b.example', 'c.example'],
      );
      assert.equal(second.nextPageToken, undefined);
    });
  });
}
