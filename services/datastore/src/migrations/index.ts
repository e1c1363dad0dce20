/**
 * Every migration this build knows, in order.
 * @module
 */
import { migration0001 } from './0001_init.js';
import { migration0002 } from './0002_server_svid_requests.js';
import { migration0003 } from './0003_federation_status.js';
import { migration0004 } from './0004_linear_checks.js';
import { migration0005 } from './0005_federation_interval.js';
import { migration0006 } from './0006_ledger_history.js';
import { migration0007 } from './0007_ledger_lean_writes.js';
import type { Migration } from './migration.js';

/** The migrations `openDatastore` applies, ordered by version. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007]);
