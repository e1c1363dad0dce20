/**
 * Advisory lock keys used by the datastore.
 *
 * Both use the single-bigint form of `pg_advisory_xact_lock`, whose key space
 * is separate from the two-int4 form. The high 32 bits name the purpose, the
 * low 32 bits the object, so different schemas in one database never contend.
 * @module
 */

const TWO_POW_32 = 0x1_0000_0000n;

/** High word of the lock serialising schema migrations of one schema. */
export const MIGRATION_LOCK_NAMESPACE = 0x53474e01n;

/** High word of the lock serialising change-event appends of one schema. */
export const EVENTS_LOCK_NAMESPACE = 0x53474e02n;

/** The lock key (as a decimal string, for a `$n::bigint` parameter) guarding migrations of `schema`. */
export function migrationLockKey(schema: string): string {
  return (MIGRATION_LOCK_NAMESPACE * TWO_POW_32 + BigInt(fnv1a32(schema))).toString();
}

/**
 * SQL that takes the events append lock: keyed by the OID of the schema's
 * `change_events` table (resolved through search_path), held until the
 * transaction ends.
 */
export const EVENTS_LOCK_SQL = `SELECT pg_advisory_xact_lock(${EVENTS_LOCK_NAMESPACE.toString()} * 4294967296 + 'change_events'::regclass::oid::bigint)`;

/** 32-bit FNV-1a of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
