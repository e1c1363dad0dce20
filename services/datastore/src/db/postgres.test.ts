/**
 * What only the Postgres engine does: statement timeouts, serialization
 * retries between real connections, connection names, concurrent migration
 * by several replicas, and surviving terminated connections.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SerializationFailureError, TimeoutError, UnavailableError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { MIGRATIONS } from '../migrations/index.js';
import { applyMigrations } from '../migrations/migrate.js';
import { migrationLabel } from '../migrations/migration.js';
import { rejectsWith, sleep, waitFor } from '../suite/context.js';
import { checkPostgres, declareUnavailable } from '../suite/postgres-availability.js';
import { openPostgresTestDatabase, type TestDatabase } from '../testing/test-databases.js';
import { openPostgres } from './postgres.js';
import type { Db, Tx } from './types.js';

const probe = await checkPostgres();
if (!probe.available) {
  declareUnavailable('Postgres engine', probe);
} else {
  const url = probe.url;
  const appName = `signet-test-${randomBytes(4).toString('hex')}`;

  describe('Postgres engine', () => {
    let test: TestDatabase;
    let db: Db;
    const terminate = async (applicationName: string): Promise<number> => {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
        [applicationName],
      );
      return rows[0]?.n ?? 0;
    };

    before(async () => {
      test = await openPostgresTestDatabase({ url, applicationName: appName, statementTimeoutMs: 500 });
      db = test.db;
      await db.exec('CREATE TABLE counter (id integer PRIMARY KEY, n integer NOT NULL)');
    });
    after(async () => {
      await test.dispose();
    });

    it('runs every statement in its own schema', async () => {
      const { rows } = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
      assert.equal(rows[0]?.schema, db.schema);
      assert.match(db.schema, /^signet_test_[0-9a-f]{12}$/);
    });

    it('cancels a statement that outlives the statement timeout with TimeoutError, and stays usable', async () => {
      await rejectsWith(db.query('SELECT pg_sleep(3)'), { type: TimeoutError, code: 'ERR_DATASTORE_TIMEOUT' });
      assert.equal((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
    });

    describe('serialization failures', () => {
      const race = async (maxAttempts: number): Promise<{ results: PromiseSettledResult<void>[]; attempts: number; n: number }> => {
        await db.query('DELETE FROM counter');
        await db.query('INSERT INTO counter (id, n) VALUES (1, 0)');
        let attempts = 0;
        let arrived = 0;
        let release = (): void => undefined;
        const bothRead = new Promise<void>((resolve) => {
          release = resolve;
        });
        const bump = async (tx: Tx): Promise<void> => {
          attempts += 1;
          await tx.query('SELECT n FROM counter WHERE id = 1');
          arrived += 1;
          if (arrived === 2) release();
          await bothRead;
          await tx.query('UPDATE counter SET n = n + 1 WHERE id = 1');
        };
        const results = await Promise.allSettled([
          db.transaction(bump, { isolation: 'serializable', maxAttempts }),
          db.transaction(bump, { isolation: 'serializable', maxAttempts }),
        ]);
        const { rows } = await db.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
        return { results, attempts, n: rows[0]?.n ?? -1 };
      };

      it('retries the losing transaction, running its callback again', async () => {
        const { results, attempts, n } = await race(3);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'fulfilled'],
        );
        assert.equal(attempts, 3);
        assert.equal(n, 2);
      });

      it('reports SerializationFailureError once the attempts are used up', async () => {
        const { results, attempts, n } = await race(1);
        const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(rejected.length, 1);
        assert.ok(rejected[0]?.reason instanceof SerializationFailureError);
        assert.equal(attempts, 2);
        assert.equal(n, 1);
      });
    });

    it('names pooled connections with application_name, and the listener with "-listen"', async () => {
      const unlisten = await db.listen('signet_test_names', () => undefined);
      try {
        const { rows } = await db.query<{ name: string }>(
          `SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name LIKE $1 ORDER BY 1`,
          [`${appName}%`],
        );
        assert.deepEqual(
          rows.map((r) => r.name),
          [appName, `${appName}-listen`],
        );
      } finally {
        await unlisten();
      }
    });

    it('keeps serving after the server terminated its pooled connections', async () => {
      await Promise.all(Array.from({ length: 4 }, () => db.query('SELECT pg_sleep(0.01)')));
      assert.ok((await terminate(appName)) >= 1);
      await sleep(100);
      assert.equal((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
    });

    it('listens again after its listening connection was terminated, and reports the reconnect', async () => {
      const received: string[] = [];
      let reconnects = 0;
      const unlisten = await db.listen('signet_test_reconnect', (payload) => received.push(payload), {
        onReconnect: () => {
          reconnects += 1;
        },
      });
      try {
        assert.equal(await terminate(`${appName}-listen`), 1);
        await waitFor(() => reconnects === 1, 5_000, 'the listener to reconnect');
        await db.query("SELECT pg_notify('signet_test_reconnect', 'after')");
        await waitFor(() => received.length === 1, 3_000, 'a notification after the reconnect');
        assert.deepEqual(received, ['after']);
      } finally {
        await unlisten();
      }
    });

    it('lets several replicas migrate one new schema at the same time', async () => {
      const schema = `signet_test_${randomBytes(6).toString('hex')}`;
      const replicas = await Promise.all(Array.from({ length: 4 }, () => openPostgres({ url, schema, logger: silentLogger })));
      try {
        const results = await Promise.all(replicas.map((replica) => applyMigrations(replica)));
        const all = MIGRATIONS.map(migrationLabel);
        assert.deepEqual(results.map((r) => r.applied).sort(), [[], [], [], all], 'one replica applies every migration, the others none');
        const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.schema_migrations`);
        assert.equal(Number(rows[0]?.n), MIGRATIONS.length);
      } finally {
        await Promise.all(replicas.map((replica) => replica.close()));
        await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      }
    });

    it('refuses calls after close with UnavailableError', async () => {
      const replica = await openPostgres({ url, schema: db.schema, logger: silentLogger });
      await replica.close();
      await rejectsWith(replica.query('SELECT 1'), { type: UnavailableError, code: 'ERR_DATASTORE_UNAVAILABLE' });
      await rejectsWith(replica.transaction(async () => 1), { type: UnavailableError, code: 'ERR_DATASTORE_UNAVAILABLE' });
    });

    it('reports an unreachable server as UnavailableError', async () => {
      await rejectsWith(openPostgres({ url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 2_000, logger: silentLogger }), {
        type: UnavailableError,
        code: 'ERR_DATASTORE_UNAVAILABLE',
      });
    });
  });
}
