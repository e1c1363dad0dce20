/**
 * The registrar service suite, written once and run on every engine
 * (`service.pglite.test.ts`, `service.postgres.test.ts`).
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestDatabase } from '@signet/datastore';
import { useRegistrar } from '../../../testing/harness.js';
import { bundlesSuite } from './bundles.suite.js';
import { changeEntriesSuite } from './entries-change.suite.js';
import { createEntriesSuite } from './entries-create.suite.js';
import { expirySweepSuite } from './expiry-sweep.suite.js';
import { federationSuite } from './federation.suite.js';
import { readEntriesSuite } from './entries-read.suite.js';
import { tokensAndAgentsSuite } from './tokens-agents.suite.js';

/** Every method of `signet.registrar.v1.Registrar`, against the database `open` returns. */
export function registrarServiceSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(name, () => {
    const h = useRegistrar(open);

    it('serves every method of the proto, to admins only', () => {
      const methods = Object.keys(h.registrar.service).sort();
      assert.deepEqual(methods, [
        'BanAgent', 'CreateEntries', 'CreateFederationRelationship', 'CreateJoinToken', 'DeleteEntries', 'DeleteFederatedBundle',
        'DeleteFederationRelationship', 'EvictAgent', 'GetAgent', 'GetEntry', 'GetFederatedBundle', 'GetFederationRelationship',
        'GetLocalBundle', 'ListAgents', 'ListEntries', 'ListFederatedBundles', 'ListFederationRelationships',
        'RefreshFederationRelationship', 'SetFederatedBundle', 'UnbanAgent', 'UpdateEntries', 'UpdateFederationRelationship',
      ]);
      for (const spec of Object.values(h.registrar.service)) assert.deepEqual(spec.allow, ['admin']);
    });

    createEntriesSuite(h);
    changeEntriesSuite(h);
    readEntriesSuite(h);
    tokensAndAgentsSuite(h);
    bundlesSuite(h);
    federationSuite(h);
    expirySweepSuite(h);
  });
}
