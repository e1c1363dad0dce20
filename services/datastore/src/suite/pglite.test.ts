/**
 * The datastore suite on embedded PGlite, in a temporary directory.
 */
import { openPGliteTestDatabase } from '../testing/test-databases.js';
import { runDatastoreSuite } from './datastore-suite.js';

runDatastoreSuite('datastore on PGlite', openPGliteTestDatabase);
