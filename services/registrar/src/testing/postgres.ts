/**
 * Postgres-backed test files: run against the test server when it answers; otherwise skipped
 * with the reason, or failed when `CI` is set (a silently skipped suite would hide a broken setup).
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeTestPostgres, type TestPostgresProbe } from '@signet/datastore';

/** Probes the test server once. */
export function checkPostgres(): Promise<TestPostgresProbe> {
  return probeTestPostgres();
}

/** Declares `name` as a suite that cannot run for `probe.reason`. */
export function declareUnavailable(name: string, probe: Extract<TestPostgresProbe, { available: false }>): void {
  const ci = process.env['CI'];
  const failing = ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
  describe(name, () => {
    if (failing) {
      it('needs a reachable Postgres (CI is set, so this fails instead of skipping)', () => assert.fail(probe.reason));
    } else {
      it('needs a reachable Postgres', { skip: `${probe.reason} (set SIGNET_TEST_DATABASE_URL)` }, () => undefined);
    }
  });
}
