/**
 * The registrar service suite on a real Postgres server, in a fresh schema.
 */
import { openPostgresTestDatabase } from '@signet/datastore';
import { checkPostgres, declareUnavailable } from '../../../testing/postgres.js';
import { registrarServiceSuite } from './service.suite.js';

const probe = await checkPostgres();
if (probe.available) {
  registrarServiceSuite('registrar service on Postgres', () => openPostgresTestDatabase({ url: probe.url }));
} else {
  declareUnavailable('registrar service on Postgres', probe);
}
