/**
 * Creating registration entries, alone or in batches.
 *
 * A batch is all-or-nothing: every entry and every child row is written in
 * one transaction with four multi-row INSERTs (entries, selectors, DNS names,
 * trust domains), whatever the batch size. If any row breaks a rule (a
 * duplicate, a bad SPIFFE ID), nothing of the batch is kept and the error
 * names the field.
 *
 * @example
 * ```ts
 * const entry = await createEntry(db, { spiffeId, parentId, selectors: [{ type: 'unix', value: 'uid:1000' }] }, now);
 * const many = await batchCreateEntries(db, inputs, now);
 * ```
 * @module
 */
import { runInTransaction } from '../db/run-in-transaction.js';
import type { Queryable } from '../db/types.js';
import { selectorsHash } from '../selector.js';
import { insertEntryChildren } from './entry-children.js';
import { type NewRegistrationEntry, normalizeNewEntry, type RegistrationEntry } from './entry.js';

/** Creates one entry with its children. */
export async function createEntry(q: Queryable, input: NewRegistrationEntry, now: Date): Promise<RegistrationEntry> {
  const [created] = await batchCreateEntries(q, [input], now);
  return created as RegistrationEntry;
}

/** Creates many entries in one transaction; returns them in input order. */
export async function batchCreateEntries(
  q: Queryable,
  inputs: readonly NewRegistrationEntry[],
  now: Date,
): Promise<RegistrationEntry[]> {
  const entries = inputs.map((input, index) => normalizeNewEntry(input, inputs.length === 1 ? 'entry' : `entries[${index}]`));
  if (entries.length === 0) return [];
  const columns = {
    id: [] as string[],
    spiffeId: [] as string[],
    parentId: [] as string[],
    hash: [] as string[],
    count: [] as number[],
    x509: [] as number[],
    jwt: [] as number[],
    admin: [] as boolean[],
    downstream: [] as boolean[],
    hint: [] as (string | null)[],
    expiresAt: [] as (string | null)[],
  };
  for (const entry of entries) {
    columns.id.push(entry.id);
    columns.spiffeId.push(entry.spiffeId);
    columns.parentId.push(entry.parentId);
    columns.hash.push(selectorsHash(entry.selectors));
    columns.count.push(entry.selectors.length);
    columns.x509.push(entry.x509SvidTtl);
    columns.jwt.push(entry.jwtSvidTtl);
    columns.admin.push(entry.admin);
    columns.downstream.push(entry.downstream);
    columns.hint.push(entry.hint);
    columns.expiresAt.push(entry.expiresAt?.toISOString() ?? null);
  }
  await runInTransaction(q, async (tx) => {
    await tx.query(
      `INSERT INTO registration_entries
         (id, spiffe_id, parent_id, selectors_hash, selector_count, x509_svid_ttl, jwt_svid_ttl,
          admin, downstream, hint, expires_at, revision, created_at, updated_at)
       SELECT u.*, 1, $12, $12
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[],
                     $8::boolean[], $9::boolean[], $10::text[], $11::timestamptz[]) AS u`,
      [
        columns.id,
        columns.spiffeId,
        columns.parentId,
        columns.hash,
        columns.count,
        columns.x509,
        columns.jwt,
        columns.admin,
        columns.downstream,
        columns.hint,
        columns.expiresAt,
        now,
      ],
    );
    await insertEntryChildren(tx, entries);
  });
  return entries.map((entry) => ({ ...entry, revision: 1, createdAt: now, updatedAt: now }));
}
