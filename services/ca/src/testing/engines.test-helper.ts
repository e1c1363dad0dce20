/**
 * Test support: run a suite on both datastore engines, embedded PGlite in a temporary directory
 * and a real Postgres server in a fresh schema. When the server is unreachable the Postgres
 * suite is skipped with the reason, or fails when `CI` is set.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPGliteTestDatabase, openPostgresTestDatabase, probeTestPostgres, type TestDatabase } from '@signet/datastore';

/** A datastore engine tests can run on. */
export interface TestEngine {
  readonly name: 'PGlite' | 'Postgres';
  /** Opens a fresh, migrated, empty database. */
  open(): Promise<TestDatabase>;
}

/** The engines available here; a Postgres that does not answer is declared skipped (or failing under CI). */
export async function testEngines(suite: string): Promise<TestEngine[]> {
  const engines: TestEngine[] = [{ name: 'PGlite', open: openPGliteTestDatabase }];
  const probe = await probeTestPostgres();
  if (probe.available) {
    engines.push({ name: 'Postgres', open: () => openPostgresTestDatabase({ url: probe.url }) });
    return engines;
  }
  const ci = process.env['CI'];
  const underCi = ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
  describe(`${suite} on Postgres`, () => {
    it('needs a reachable Postgres', underCi ? {} : { skip: `${probe.reason} (set SIGNET_TEST_DATABASE_URL)` }, () => {
      assert.fail(`${probe.reason}. Start Postgres or point SIGNET_TEST_DATABASE_URL at one.`);
    });
  });
  return engines;
}
