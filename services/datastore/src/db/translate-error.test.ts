/**
 * The single error map: each Postgres failure becomes the right datastore
 * error, with the field and rule in the message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AlreadyExistsError,
  ConflictError,
  DatastoreError,
  InUseError,
  InternalError,
  InvalidArgumentError,
  InvalidReferenceError,
  SerializationFailureError,
  TimeoutError,
  UnavailableError,
} from '../errors.js';
import { isRetryableSqlState, translateDbError } from './translate-error.js';

const pgError = (fields: Record<string, string>): Error => Object.assign(new Error(fields['message'] ?? 'pg error'), fields);

const cases: { name: string; input: unknown; type: new (...args: never[]) => Error; message?: string; field?: string }[] = [
  {
    name: 'a unique violation of a known constraint',
    input: pgError({ code: '23505', constraint: 'registration_entries_identity_key', detail: 'Key (...)=(...) already exists.' }),
    type: AlreadyExistsError,
    message: 'registration_entries: an entry with the same spiffe_id, parent_id and selectors already exists (Key (...)=(...) already exists.)',
    field: 'registration_entries',
  },
  {
    name: 'a unique violation of an unknown constraint',
    input: pgError({ code: '23505', constraint: 'other_key', table: 't', column: 'c' }),
    type: AlreadyExistsError,
    message: 't.c: already exists',
  },
  {
    name: 'a foreign key violation on insert',
    input: pgError({ code: '23503', constraint: 'node_selectors_spiffe_id_fkey', detail: 'Key (spiffe_id)=(x) is not present in table "attested_nodes".' }),
    type: InvalidReferenceError,
    field: 'node_selectors.spiffe_id',
  },
  {
    name: 'a foreign key violation on delete',
    input: pgError({ code: '23503', constraint: 'node_selectors_spiffe_id_fkey', table: 'node_selectors', detail: 'Key (spiffe_id)=(x) is still referenced from table "node_selectors".' }),
    type: InUseError,
    message:
      'node_selectors: still referenced through node_selectors_spiffe_id_fkey (Key (spiffe_id)=(x) is still referenced from table "node_selectors".)',
  },
  {
    name: 'a check violation',
    input: pgError({ code: '23514', constraint: 'attested_nodes_banned_check' }),
    type: InvalidArgumentError,
    message: 'attested_nodes.banned: a banned node cannot hold certificate serials',
  },
  { name: 'a not-null violation', input: pgError({ code: '23502', table: 'bundles', column: 'document' }), type: InvalidArgumentError, message: 'bundles.document: is required' },
  { name: 'bad input syntax', input: pgError({ code: '22P02', message: 'invalid input syntax for type integer' }), type: InvalidArgumentError },
  { name: 'a serialization failure', input: pgError({ code: '40001' }), type: SerializationFailureError },
  { name: 'a deadlock', input: pgError({ code: '40P01' }), type: SerializationFailureError },
  { name: 'a statement timeout', input: pgError({ code: '57014' }), type: TimeoutError },
  { name: 'an administrator shutdown', input: pgError({ code: '57P01' }), type: UnavailableError },
  { name: 'a connection failure', input: pgError({ code: '08006' }), type: UnavailableError },
  { name: 'a refused connection', input: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), type: UnavailableError },
  { name: 'a connection lost by pg', input: new Error('Connection terminated unexpectedly'), type: UnavailableError },
  { name: 'an unexpected SQLSTATE', input: pgError({ code: 'XX000', message: 'internal' }), type: InternalError, message: 'database error XX000: internal' },
];

describe('translateDbError', () => {
  for (const { name, input, type, message, field } of cases) {
    it(`maps ${name} to ${type.name}`, () => {
      const out = translateDbError(input);
      assert.ok(out instanceof type, `got ${String(out)}`);
      assert.ok(out instanceof DatastoreError);
      assert.equal(out.cause, input);
      if (message !== undefined) assert.equal(out.message, message);
      if (field !== undefined) assert.equal(out.field, field);
    });
  }

  it('passes datastore errors and programmer errors through unchanged', () => {
    const conflict = new ConflictError('stale');
    const typeError = new TypeError('misuse');
    assert.equal(translateDbError(conflict), conflict);
    assert.equal(translateDbError(typeError), typeError);
    assert.equal(translateDbError('text'), 'text');
  });

  it('does not treat an object property lookup as a known constraint', () => {
    const out = translateDbError(pgError({ code: '23505', constraint: 'toString', table: 't' }));
    assert.ok(out instanceof AlreadyExistsError);
    assert.equal(out.message, 't: already exists');
  });

  it('retries only serialization failures and deadlocks', () => {
    assert.deepEqual(['40001', '40P01', '23505', '57014'].map(isRetryableSqlState), [true, true, false, false]);
  });
});
