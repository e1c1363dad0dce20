/**
 * The datastore suite, written once and run against every engine
 * (`pglite.test.ts`, `postgres.test.ts`). One database is opened per run and
 * emptied before each test.
 * @module
 */
import { after, before, beforeEach, describe } from 'node:test';
import type { Db } from '../db/types.js';
import { resetDatastore, type TestDatabase } from '../testing/test-databases.js';
import { authoritiesSuite } from './authorities.suite.js';
import { bundlesSuite } from './bundles.suite.js';
import type { SuiteContext } from './context.js';
import { engineSuite } from './engine.suite.js';
import { entriesListSuite } from './entries-list.suite.js';
import { entriesWriteSuite } from './entries-write.suite.js';
import { eventsSuite } from './events.suite.js';
import { federationSuite } from './federation.suite.js';
import { issuanceLedgerSuite } from './issuance-ledger.suite.js';
import { joinTokensSuite } from './join-tokens.suite.js';
import { migrationsSuite } from './migrations.suite.js';
import { nodesSuite } from './nodes.suite.js';
import { subscriptionSuite } from './subscription.suite.js';

/** Runs every repository, migration and engine test against the database `open` returns. */
export function runDatastoreSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(name, () => {
    let opened: TestDatabase | undefined;
    const ctx: SuiteContext = {
      get db(): Db {
        if (opened === undefined) throw new Error('the suite database is not open');
        return opened.db;
      },
    };
    before(async () => {
      opened = await open();
    });
    after(async () => {
      await opened?.dispose();
    });
    beforeEach(async () => {
      await resetDatastore(ctx.db);
    });

    engineSuite(ctx);
    migrationsSuite(ctx);
    entriesWriteSuite(ctx);
    entriesListSuite(ctx);
    joinTokensSuite(ctx);
    federationSuite(ctx);
    nodesSuite(ctx);
    authoritiesSuite(ctx);
    bundlesSuite(ctx);
    issuanceLedgerSuite(ctx);
    eventsSuite(ctx);
    subscriptionSuite(ctx);
  });
}
