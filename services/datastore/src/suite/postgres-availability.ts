/**
 * How Postgres-backed test files behave when the server is unreachable:
 * skipped with the reason on a developer machine, failed under CI (env `CI`
 * set), where a silently skipped suite would hide a broken setup.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeTestPostgres, type TestPostgresProbe } from '../testing/test-databases.js';

/** Probes the test server once per file. */
export async function checkPostgres(): Promise<TestPostgresProbe> {
  return probeTestPostgres();
}

/**
 * Declares `name` as a suite that cannot run: skipped with `probe.reason`,
 * or, when `CI` is set, a failing test carrying that reason.
 */
export function declareUnavailable(name: string, probe: Extract<TestPostgresProbe, { available: false }>): void {
  const ci = process.env['CI'];
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') {
    describe(name, () => {
      it('needs a reachable Postgres (CI is set, so this is a failure, not a skip)', () => {
        assert.fail(`${probe.reason}. Start Postgres or point SIGNET_TEST_DATABASE_URL at one.`);
      });
    });
    return;
  }
  describe(name, () => {
    it('needs a reachable Postgres', { skip: `${probe.reason} (set SIGNET_TEST_DATABASE_URL; under CI this fails instead)` }, () => {
      assert.fail('skipped tests do not run');
    });
  });
}
