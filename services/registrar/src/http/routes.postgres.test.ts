/**
 * The REST suite on a real Postgres server, in a fresh schema.
 */
import { openPostgresTestDatabase } from '@signet/datastore';
import { checkPostgres, declareUnavailable } from '../testing/postgres.js';
import { restSuite } from './routes.suite.js';

const probe = await checkPostgres();
if (probe.available) {
  restSuite('registrar REST API on Postgres', () => openPostgresTestDatabase({ url: probe.url }));
} else {
  declareUnavailable('registrar REST API on Postgres', probe);
}
