/**
 * Every migration this build knows, in order.
 * @module
 */
import { migration0001 } from './0001_init.js';
import type { Migration } from './migration.js';

/** The migrations `openDatastore` applies, ordered by version. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([migration0001]);
