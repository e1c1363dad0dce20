/**
 * The datastore suite on a real Postgres server, in a fresh schema.
 */
import { openPostgresTestDatabase } from '../testing/test-databases.js';
import { runDatastoreSuite } from './datastore-suite.js';
import { checkPostgres, declareUnavailable } from './postgres-availability.js';

const probe = await checkPostgres();
if (probe.available) {
  runDatastoreSuite('datastore on Postgres', () => openPostgresTestDatabase({ url: probe.url }));
} else {
  declareUnavailable('datastore on Postgres', probe);
}
