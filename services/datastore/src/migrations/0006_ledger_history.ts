/**
 * Migration 0006: the issuance ledger keeps, as history, the entry and the node each credential
 * was issued for. They were foreign keys `ON DELETE SET NULL`, which meant that
 * - deleting an entry or evicting an agent rewrote every ledger row naming it, inside the delete's
 *   transaction (an entry with a year of hourly issuances: thousands of row updates and their locks);
 * - the ledger lost the provenance an audit needs most after a compromise (which entry, which
 *   agent) as soon as the entry or agent was removed;
 * - every insert checked both references, and a batch written after its entry was deleted was
 *   refused and had to be repaired.
 * The authority stays a foreign key: taint and expiry sweeps walk it, and authorities are never
 * deleted while their issuances are recorded.
 *
 * NEVER edit this text once released. Add a new numbered migration instead.
 * @module
 */
import type { Migration } from './migration.js';

const sql = `
ALTER TABLE issuance_ledger DROP CONSTRAINT issuance_ledger_entry_id_fkey;
ALTER TABLE issuance_ledger DROP CONSTRAINT issuance_ledger_node_id_fkey;
DROP INDEX issuance_ledger_entry_id_idx;
DROP INDEX issuance_ledger_node_id_idx;
`;

/** The entry and node of each issuance kept as history, not as foreign keys. */
export const migration0006: Migration = Object.freeze({ version: 6, name: 'ledger_history', sql });
