/**
 * The rotation lock: a transaction-level Postgres advisory lock that makes one replica at a
 * time change the authority journal and the local bundle. The ticker of every replica tries it
 * (`pg_try_advisory_xact_lock`) and skips the tick when another holds it; admin operations wait
 * for it. Being transaction-scoped, it works through a connection pool and is released by
 * COMMIT, ROLLBACK or a lost connection, so a crashed replica never keeps it.
 *
 * Key: the two-int4 form, with class id `0x53474e10` ("SGN" + 0x10, the CA's rotation) and the
 * schema name's `hashtext` as object id, so replicas of different schemas (tests) never
 * contend, and the single-bigint keys of `@signet/datastore` live in another key space.
 * @module
 */
import type { Tx } from '@signet/datastore';

/** The advisory lock class id of CA rotation. */
export const ROTATION_LOCK_CLASS = 0x53474e10;

/** Takes the rotation lock if free; true when this transaction now holds it. */
export async function tryRotationLock(tx: Tx): Promise<boolean> {
  const { rows } = await tx.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_xact_lock($1::int4, hashtext(current_schema())) AS locked',
    [ROTATION_LOCK_CLASS],
  );
  return rows[0]?.locked === true;
}

/** Waits for the rotation lock (bounded by the statement timeout). */
export async function waitForRotationLock(tx: Tx): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::int4, hashtext(current_schema()))', [ROTATION_LOCK_CLASS]);
}
