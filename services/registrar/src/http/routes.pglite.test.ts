/**
 * The REST suite on embedded PGlite.
 */
import { openPGliteTestDatabase } from '@signet/datastore';
import { restSuite } from './routes.suite.js';

restSuite('registrar REST API on PGlite', openPGliteTestDatabase);
