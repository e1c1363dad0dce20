/**
 * The shape of a schema migration and its checksum.
 *
 * Migrations are forward-only and numbered from 1 without gaps. Their SQL is
 * embedded in TypeScript modules, so the compiled package needs no data files
 * at run time.
 *
 * @example
 * ```ts
 * const m: Migration = { version: 2, name: 'add_entry_store_svid', sql: 'ALTER TABLE ...' };
 * migrationChecksum(m); // 'sha256:…'
 * ```
 * @module
 */
import { createHash } from 'node:crypto';

/** One forward-only schema change. */
export interface Migration {
  /** Position in the sequence, starting at 1. */
  readonly version: number;
  /** A short snake_case name, recorded with the version. */
  readonly name: string;
  /** The statements to run (several statements allowed, no parameters). */
  readonly sql: string;
}

/** The checksum recorded for a migration: SHA-256 of its SQL with LF line endings. */
export function migrationChecksum(migration: Migration): string {
  const normalized = migration.sql.replace(/\r\n/g, '\n');
  return `sha256:${createHash('sha256').update(normalized, 'utf8').digest('hex')}`;
}

/** `0001_init`: how a migration is named in messages. */
export function migrationLabel(migration: Pick<Migration, 'version' | 'name'>): string {
  return `${String(migration.version).padStart(4, '0')}_${migration.name}`;
}
