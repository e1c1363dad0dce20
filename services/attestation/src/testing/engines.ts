/**
 * Runs a test suite against both datastore engines: embedded PGlite in a temporary
 * directory, and a fresh schema on the test Postgres server (skipped with the reason when it
 * is unreachable, failed instead when `CI` is set). The database is emptied before each test.
 * @module
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  type Db,
  openPGliteTestDatabase,
  openPostgresTestDatabase,
  probeTestPostgres,
  resetDatastore,
  type TestDatabase,
} from '@signet/datastore';

/** What a suite receives: the database of the engine under test (valid inside tests). */
export interface EngineContext {
  readonly db: Db;
  readonly engine: 'pglite' | 'postgres';
}

const probe = await probeTestPostgres();

/** Declares `suite` once per engine, under `describe('<name> (<engine>)')`. */
export function describeEachEngine(name: string, suite: (ctx: EngineContext) => void): void {
  run(`${name} (PGlite)`, 'pglite', openPGliteTestDatabase, suite);
  if (probe.available) {
    run(`${name} (Postgres)`, 'postgres', () => openPostgresTestDatabase({ url: probe.url }), suite);
    return;
  }
  const ci = process.env['CI'];
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') {
    describe(`${name} (Postgres)`, () => {
      it('needs a reachable Postgres (CI is set, so this is a failure)', () => assert.fail(probe.reason));
    });
  } else {
    describe(`${name} (Postgres)`, () => {
      it('needs a reachable Postgres', { skip: probe.reason }, () => undefined);
    });
  }
}

function run(title: string, engine: EngineContext['engine'], open: () => Promise<TestDatabase>, suite: (ctx: EngineContext) => void): void {
  describe(title, () => {
    let opened: TestDatabase | undefined;
    const ctx: EngineContext = {
      get db(): Db {
        if (opened === undefined) throw new Error('the test database is not open');
        return opened.db;
      },
      engine,
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
    suite(ctx);
  });
}
