/**
 * The registrar service suite on embedded PGlite, in a temporary directory.
 */
import { openPGliteTestDatabase } from '@signet/datastore';
import { registrarServiceSuite } from './service.suite.js';

registrarServiceSuite('registrar service on PGlite', openPGliteTestDatabase);
