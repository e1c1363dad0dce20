/**
 * Changing and deleting registration entries, with optimistic concurrency.
 *
 * Each change locks the entry row (`SELECT ... FOR UPDATE`), checks the
 * caller's `expectedRevision` when given, then writes. A caller that read
 * revision 3 and updates with `expectedRevision: 3` either wins (the entry is
 * now at 4) or gets `ConflictError` because someone else got there first.
 *
 * @example
 * ```ts
 * const updated = await updateEntry(db, { id, expectedRevision: entry.revision, changes: { x509SvidTtl: 600 } }, now);
 * const deleted = await deleteEntry(db, id, { expectedRevision: updated.revision });
 * ```
 * @module
 */
import { runInTransaction } from '../db/run-in-transaction.js';
import type { Queryable, Tx } from '../db/types.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { compareUtf8 } from '../internal/utf8.js';
import { selectorsHash } from '../selector.js';
import { insertEntryChildren } from './entry-children.js';
import { ENTRY_COLUMNS, type EntryRow, entryFromRow } from './entry-row.js';
import { normalizeEntryFields, type RegistrationEntry, type RegistrationEntryChanges } from './entry.js';

/** Arguments of {@link updateEntry}. */
export interface UpdateEntryRequest {
  /** The entry to change. */
  id: string;
  /** When set, the update fails with `ConflictError` unless the entry is at this revision. */
  expectedRevision?: number | undefined;
  /** Fields to change; absent fields keep their value. */
  changes: RegistrationEntryChanges;
}

/** Options of {@link deleteEntry}. */
export interface DeleteEntryOptions {
  /** When set, the delete fails with `ConflictError` unless the entry is at this revision. */
  expectedRevision?: number | undefined;
}

/** Applies `changes`, increments the revision and returns the updated entry. */
export async function updateEntry(q: Queryable, request: UpdateEntryRequest, now: Date): Promise<RegistrationEntry> {
  return runInTransaction(q, async (tx) => {
    const current = await lockEntry(tx, request.id, request.expectedRevision);
    const defined = Object.fromEntries(Object.entries(request.changes).filter(([, v]) => v !== undefined));
    const next = normalizeEntryFields({ ...current, ...defined });
    await tx.query(
      `UPDATE registration_entries
          SET spiffe_id = $2, parent_id = $3, selectors_hash = $4, selector_count = $5, x509_svid_ttl = $6,
              jwt_svid_ttl = $7, admin = $8, downstream = $9, hint = $10, expires_at = $11,
              revision = revision + 1, updated_at = $12
        WHERE id = $1`,
      [
        current.id,
        next.spiffeId,
        next.parentId,
        selectorsHash(next.selectors),
        next.selectors.length,
        next.x509SvidTtl,
        next.jwtSvidTtl,
        next.admin,
        next.downstream,
        next.hint,
        next.expiresAt,
        now,
      ],
    );
    const parts = {
      selectors: !sameJson(current.selectors, next.selectors),
      dnsNames: !sameJson(current.dnsNames, next.dnsNames),
      federatesWith: !sameJson(current.federatesWith, next.federatesWith),
    };
    if (parts.selectors) await tx.query('DELETE FROM registration_entry_selectors WHERE entry_id = $1', [current.id]);
    if (parts.dnsNames) await tx.query('DELETE FROM registration_entry_dns_names WHERE entry_id = $1', [current.id]);
    if (parts.federatesWith) await tx.query('DELETE FROM registration_entry_federates_with WHERE entry_id = $1', [current.id]);
    await insertEntryChildren(tx, [{ id: current.id, ...next }], parts);
    return { ...current, ...next, revision: current.revision + 1, updatedAt: now };
  });
}

/** Deletes an entry (its children go with it) and returns what was deleted. */
export async function deleteEntry(q: Queryable, id: string, options: DeleteEntryOptions = {}): Promise<RegistrationEntry> {
  return runInTransaction(q, async (tx) => {
    const current = await lockEntry(tx, id, options.expectedRevision);
    await tx.query('DELETE FROM registration_entries WHERE id = $1', [id]);
    return current;
  });
}

/** Deletes every entry that expired before `before`; returns the deleted ids, sorted. */
export async function pruneExpiredEntries(q: Queryable, before: Date): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    'DELETE FROM registration_entries WHERE expires_at < $1 RETURNING id',
    [before],
  );
  return rows.map((r) => r.id).sort(compareUtf8);
}

async function lockEntry(tx: Tx, id: string, expectedRevision: number | undefined): Promise<RegistrationEntry> {
  const { rows } = await tx.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM registration_entries e WHERE e.id = $1 FOR UPDATE OF e`,
    [id],
  );
  const row = rows[0];
  if (row === undefined) {
    throw new NotFoundError(`registration_entries.id: no entry with id ${JSON.stringify(id)}`, {
      field: 'registration_entries.id',
    });
  }
  if (expectedRevision !== undefined && row.revision !== expectedRevision) {
    throw new ConflictError(
      `registration_entries.revision: entry ${JSON.stringify(id)} is at revision ${row.revision}, not ${expectedRevision}; re-read it and retry`,
      { field: 'registration_entries.revision' },
    );
  }
  return entryFromRow(row);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
