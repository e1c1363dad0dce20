/**
 * Migration 0005: the polling interval a federation fetcher settled on after its last success
 * (the bundle's refresh hint bounded by the federation service's configuration), so that the
 * registrar judges a relationship stale against the interval actually used rather than the raw
 * hint (a 10 s hint is polled every 30 s by default; a 1-day hint every hour).
 *
 * NEVER edit this text once released. Add a new numbered migration instead.
 * @module
 */
import type { Migration } from './migration.js';

const sql = `
ALTER TABLE federation_status ADD COLUMN refresh_interval_s integer;
ALTER TABLE federation_status ADD CONSTRAINT federation_status_refresh_interval_check
  CHECK (refresh_interval_s IS NULL OR refresh_interval_s > 0);
`;

/** The polling interval of each relationship. */
export const migration0005: Migration = Object.freeze({ version: 5, name: 'federation_interval', sql });
