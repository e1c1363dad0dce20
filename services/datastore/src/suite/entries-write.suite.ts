/**
 * Registration entries: create (alone and in batches), update with
 * optimistic concurrency, delete, prune; every broken rule becomes the right
 * error and leaves nothing half-written.
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlreadyExistsError, ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { batchCreateEntries, createEntry } from '../registrar/entries-create.js';
import { getEntry } from '../registrar/entries-read.js';
import { deleteEntry, pruneExpiredEntries, updateEntry } from '../registrar/entries-update.js';
import type { NewRegistrationEntry } from '../registrar/entry.js';
import { at, countRows, entryInput, type ExpectedError, rejectsWith, type SuiteContext } from './context.js';

const ENTRY_TABLES = [
  'registration_entries',
  'registration_entry_selectors',
  'registration_entry_dns_names',
  'registration_entry_federates_with',
];

const invalid = (constraint: string | undefined, message?: string): ExpectedError => ({
  type: InvalidArgumentError,
  code: 'ERR_DATASTORE_INVALID_ARGUMENT',
  ...(constraint === undefined ? {} : { constraint }),
  ...(message === undefined ? {} : { message }),
});

const badEntries: { name: string; input: NewRegistrationEntry; expected: ExpectedError }[] = [
  { name: 'no selectors', input: entryInput(1, { selectors: [] }), expected: invalid(undefined, 'at least one selector') },
  {
    name: 'the same selector twice',
    input: entryInput(1, { selectors: [{ type: 'k8s', value: 'a' }, { type: 'k8s', value: 'a' }] }),
    expected: invalid(undefined, 'duplicate selector k8s:a'),
  },
  {
    name: 'a SPIFFE ID with the wrong scheme',
    input: entryInput(1, { spiffeId: 'https://example.org/x' }),
    expected: invalid('registration_entries_spiffe_id_check', 'registration_entries.spiffe_id: must be a SPIFFE ID'),
  },
  {
    name: 'a SPIFFE ID with a dot segment',
    input: entryInput(1, { spiffeId: 'spiffe://example.org/a/../b' }),
    expected: invalid('registration_entries_spiffe_id_check'),
  },
  {
    name: 'a parent ID with an uppercase trust domain',
    input: entryInput(1, { parentId: 'spiffe://Example.org/agent' }),
    expected: invalid('registration_entries_parent_id_check', 'registration_entries.parent_id'),
  },
  { name: 'a negative TTL', input: entryInput(1, { x509SvidTtl: -1 }), expected: invalid(undefined, 'x509SvidTtl') },
  { name: 'a fractional TTL', input: entryInput(1, { jwtSvidTtl: 1.5 }), expected: invalid(undefined, 'jwtSvidTtl') },
  {
    name: 'a selector type containing a colon',
    input: entryInput(1, { selectors: [{ type: 'k8s:ns', value: 'prod' }] }),
    expected: invalid('registration_entry_selectors_type_check', 'registration_entry_selectors.type'),
  },
  {
    name: 'an empty selector value',
    input: entryInput(1, { selectors: [{ type: 'k8s', value: '' }] }),
    expected: invalid('registration_entry_selectors_value_check'),
  },
  {
    name: 'a malformed DNS name',
    input: entryInput(1, { dnsNames: ['ok.example.org', 'bad_name..example'] }),
    expected: invalid('registration_entry_dns_names_dns_name_check', 'registration_entry_dns_names.dns_name'),
  },
  {
    name: 'a DNS name listed twice',
    input: entryInput(1, { dnsNames: ['a.example', 'a.example'] }),
    expected: invalid(undefined, 'dnsNames: duplicate'),
  },
  {
    name: 'a malformed federated trust domain',
    input: entryInput(1, { federatesWith: ['Partner.Example'] }),
    expected: invalid('registration_entry_federates_with_trust_domain_check'),
  },
  { name: 'an empty hint', input: entryInput(1, { hint: '' }), expected: invalid('registration_entries_hint_check') },
  {
    name: 'an id with a space',
    input: entryInput(1, { id: 'my entry' }),
    expected: invalid('registration_entries_id_check', 'registration_entries.id'),
  },
];

/** Registers the entry create, update, delete and prune tests. */
export function entriesWriteSuite(ctx: SuiteContext): void {
  const counts = async (): Promise<number[]> => Promise.all(ENTRY_TABLES.map((t) => countRows(ctx.db, t)));

  describe('registration entries: writes', () => {
    it('creates an entry with defaults, canonical selector order and revision 1, and reads it back', async () => {
      const created = await createEntry(
        ctx.db,
        entryInput(1, { dnsNames: ['b.example', 'a.example'], federatesWith: ['z.example', 'a.example'], hint: 'api' }),
        at(0),
      );
      assert.match(created.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(created.selectors, [
        { type: 'k8s', value: 'ns:prod' },
        { type: 'unix', value: 'uid:1001' },
      ]);
      assert.deepEqual(created.dnsNames, ['b.example', 'a.example'], 'DNS names keep their order');
      assert.deepEqual(created.federatesWith, ['a.example', 'z.example']);
      assert.equal(created.revision, 1);
      assert.equal(created.x509SvidTtl, 0);
      assert.equal(created.admin, false);
      assert.equal(created.expiresAt, null);
      assert.deepEqual(created.createdAt, at(0));
      assert.deepEqual(await getEntry(ctx.db, created.id), created);
    });

    it('batch-creates entries with all their children', async () => {
      const inputs = Array.from({ length: 50 }, (_, n) => entryInput(n, { dnsNames: [`w${n}.example`], federatesWith: ['p.example'] }));
      const created = await batchCreateEntries(ctx.db, inputs, at(0));
      assert.deepEqual(
        created.map((e) => e.spiffeId),
        inputs.map((i) => i.spiffeId),
      );
      assert.deepEqual(await counts(), [50, 100, 50, 50]);
      assert.deepEqual(await getEntry(ctx.db, created[49]?.id ?? ''), created[49]);
    });

    it('keeps a chosen id', async () => {
      const created = await createEntry(ctx.db, entryInput(1, { id: 'custom-id:1' }), at(0));
      assert.equal(created.id, 'custom-id:1');
      assert.equal((await getEntry(ctx.db, 'custom-id:1'))?.spiffeId, created.spiffeId);
    });

    for (const { name, input, expected } of badEntries) {
      it(`refuses ${name} and writes nothing`, async () => {
        await rejectsWith(batchCreateEntries(ctx.db, [entryInput(100), input, entryInput(101)], at(0)), expected);
        assert.deepEqual(await counts(), [0, 0, 0, 0]);
      });
    }

    it('refuses an entry equal to an existing one (same SPIFFE ID, parent and selector set in any order)', async () => {
      await createEntry(ctx.db, entryInput(1), at(0));
      const reordered = entryInput(1);
      await rejectsWith(
        batchCreateEntries(ctx.db, [entryInput(2), { ...reordered, selectors: [...reordered.selectors].reverse() }], at(0)),
        {
          type: AlreadyExistsError,
          code: 'ERR_DATASTORE_ALREADY_EXISTS',
          constraint: 'registration_entries_identity_key',
          message: 'same spiffe_id, parent_id and selectors',
        },
      );
      assert.deepEqual(await counts(), [1, 2, 0, 0]);
    });

    it('refuses two equal entries within one batch', async () => {
      await rejectsWith(batchCreateEntries(ctx.db, [entryInput(1), entryInput(1)], at(0)), {
        type: AlreadyExistsError,
        code: 'ERR_DATASTORE_ALREADY_EXISTS',
        constraint: 'registration_entries_identity_key',
      });
      assert.deepEqual(await counts(), [0, 0, 0, 0]);
    });

    it('accepts the same SPIFFE ID and parent with a different selector set', async () => {
      await createEntry(ctx.db, entryInput(1), at(0));
      await createEntry(ctx.db, entryInput(1, { selectors: [{ type: 'k8s', value: 'ns:prod' }] }), at(0));
      assert.equal(await countRows(ctx.db, 'registration_entries'), 2);
    });

    it('refuses a taken id', async () => {
      await createEntry(ctx.db, entryInput(1, { id: 'fixed' }), at(0));
      await rejectsWith(createEntry(ctx.db, entryInput(2, { id: 'fixed' }), at(0)), {
        type: AlreadyExistsError,
        code: 'ERR_DATASTORE_ALREADY_EXISTS',
        constraint: 'registration_entries_pkey',
        message: 'registration_entries.id',
      });
    });

    it('updates fields and children, bumps the revision and keeps what was not changed', async () => {
      const created = await createEntry(ctx.db, entryInput(1, { dnsNames: ['a.example'], hint: 'h', expiresAt: at(100) }), at(0));
      const updated = await updateEntry(
        ctx.db,
        {
          id: created.id,
          expectedRevision: 1,
          changes: { selectors: [{ type: 'k8s', value: 'sa:api' }], x509SvidTtl: 600, hint: null, expiresAt: null, dnsNames: undefined },
        },
        at(10),
      );
      assert.equal(updated.revision, 2);
      assert.deepEqual(updated.selectors, [{ type: 'k8s', value: 'sa:api' }]);
      assert.equal(updated.x509SvidTtl, 600);
      assert.equal(updated.hint, null);
      assert.equal(updated.expiresAt, null);
      assert.deepEqual(updated.dnsNames, ['a.example']);
      assert.deepEqual(updated.createdAt, at(0));
      assert.deepEqual(updated.updatedAt, at(10));
      assert.deepEqual(await getEntry(ctx.db, created.id), updated);
      assert.equal(await countRows(ctx.db, 'registration_entry_selectors'), 1);
    });

    it('refuses an update at a stale revision and leaves the entry unchanged', async () => {
      const created = await createEntry(ctx.db, entryInput(1), at(0));
      await updateEntry(ctx.db, { id: created.id, expectedRevision: 1, changes: { admin: true } }, at(1));
      await rejectsWith(updateEntry(ctx.db, { id: created.id, expectedRevision: 1, changes: { admin: false } }, at(2)), {
        type: ConflictError,
        code: 'ERR_DATASTORE_CONFLICT',
        message: 'is at revision 2, not 1',
      });
      const current = await getEntry(ctx.db, created.id);
      assert.equal(current?.admin, true);
      assert.equal(current?.revision, 2);
    });

    it('lets exactly one of two racing updates at the same revision win', async () => {
      const created = await createEntry(ctx.db, entryInput(1), at(0));
      const results = await Promise.allSettled([
        updateEntry(ctx.db, { id: created.id, expectedRevision: 1, changes: { hint: 'first' } }, at(1)),
        updateEntry(ctx.db, { id: created.id, expectedRevision: 1, changes: { hint: 'second' } }, at(1)),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected');
      assert.ok(rejected?.status === 'rejected' && rejected.reason instanceof ConflictError);
      assert.equal((await getEntry(ctx.db, created.id))?.revision, 2);
    });

    it('refuses an update that would duplicate another entry, keeping both unchanged', async () => {
      const one = await createEntry(ctx.db, entryInput(1), at(0));
      const two = await createEntry(ctx.db, entryInput(2), at(0));
      await rejectsWith(updateEntry(ctx.db, { id: two.id, changes: { spiffeId: one.spiffeId, selectors: one.selectors } }, at(1)), {
        type: AlreadyExistsError,
        code: 'ERR_DATASTORE_ALREADY_EXISTS',
        constraint: 'registration_entries_identity_key',
      });
      assert.deepEqual(await getEntry(ctx.db, two.id), two);
    });

    it('refuses to update or delete a missing entry', async () => {
      const missing = { type: NotFoundError, code: 'ERR_DATASTORE_NOT_FOUND', message: 'no entry with id "nope"' } as const;
      await rejectsWith(updateEntry(ctx.db, { id: 'nope', changes: { admin: true } }, at(0)), missing);
      await rejectsWith(deleteEntry(ctx.db, 'nope'), missing);
    });

    it('deletes an entry with its children, returning it; a stale revision is refused', async () => {
      const created = await createEntry(ctx.db, entryInput(1, { dnsNames: ['a.example'], federatesWith: ['p.example'] }), at(0));
      await rejectsWith(deleteEntry(ctx.db, created.id, { expectedRevision: 7 }), { type: ConflictError, code: 'ERR_DATASTORE_CONFLICT' });
      assert.deepEqual(await deleteEntry(ctx.db, created.id, { expectedRevision: 1 }), created);
      assert.deepEqual(await counts(), [0, 0, 0, 0]);
      assert.equal(await getEntry(ctx.db, created.id), undefined);
    });

    it('prunes only entries that expired before the given instant', async () => {
      const [expired, later, never] = await batchCreateEntries(
        ctx.db,
        [entryInput(1, { expiresAt: at(10) }), entryInput(2, { expiresAt: at(20) }), entryInput(3)],
        at(0),
      );
      assert.deepEqual(await pruneExpiredEntries(ctx.db, at(15)), [expired?.id]);
      assert.ok((await getEntry(ctx.db, later?.id ?? '')) !== undefined);
      assert.ok((await getEntry(ctx.db, never?.id ?? '')) !== undefined);
      assert.equal(await countRows(ctx.db, 'registration_entry_selectors'), 4);
    });

    it('joins the caller transaction: a rollback undoes a create', async () => {
      await assert.rejects(
        ctx.db.transaction(async (tx) => {
          await createEntry(tx, entryInput(1), at(0));
          throw new Error('abort');
        }),
      );
      assert.deepEqual(await counts(), [0, 0, 0, 0]);
    });
  });
}
