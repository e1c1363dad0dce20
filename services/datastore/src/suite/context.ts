/**
 * Shared fixtures of the datastore suite: the database under test, fixed
 * instants, input builders and small assertion helpers.
 * @module
 */
import assert from 'node:assert/strict';
import type { Db } from '../db/types.js';
import { DatastoreError, type DatastoreErrorCode } from '../errors.js';
import type { NewRegistrationEntry } from '../registrar/entry.js';

/** What every sub-suite receives: the database, valid once the suite's `before` ran. */
export interface SuiteContext {
  /** The open, migrated database (reset before each test). */
  readonly db: Db;
}

/** A fixed instant all tests count from. */
export const T0 = new Date('2030-01-01T00:00:00.000Z');

/** `T0` plus `seconds`. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

/** A valid entry input; `n` varies the SPIFFE ID so several can coexist. */
export function entryInput(n: number, overrides: Partial<NewRegistrationEntry> = {}): NewRegistrationEntry {
  return {
    spiffeId: `spiffe://example.org/workload/${n}`,
    parentId: 'spiffe://example.org/agent/node-1',
    selectors: [
      { type: 'unix', value: `uid:${1000 + n}` },
      { type: 'k8s', value: 'ns:prod' },
    ],
    ...overrides,
  };
}

/** Number of rows in `table`. */
export async function countRows(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  return rows[0]?.n ?? -1;
}

/** Expected shape of a rejection. */
export interface ExpectedError {
  /** The error class. */
  readonly type: abstract new (...args: never[]) => DatastoreError;
  /** The stable code. */
  readonly code: DatastoreErrorCode;
  /** The constraint, when a database rule was broken. */
  readonly constraint?: string;
  /** A fragment the message must contain. */
  readonly message?: string | RegExp;
}

/** Asserts that `promise` rejects with the expected datastore error. */
export async function rejectsWith(promise: Promise<unknown>, expected: ExpectedError): Promise<DatastoreError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DatastoreError, `expected a ${expected.type.name}, got ${String(caught)}`);
  assert.ok(caught instanceof expected.type, `expected a ${expected.type.name}, got ${caught.name}: ${caught.message}`);
  assert.equal(caught.code, expected.code);
  if (expected.constraint !== undefined) assert.equal(caught.constraint, expected.constraint, caught.message);
  if (typeof expected.message === 'string') assert.ok(caught.message.includes(expected.message), caught.message);
  if (expected.message instanceof RegExp) assert.match(caught.message, expected.message);
  return caught;
}

/** Polls `predicate` every 5 ms until it holds, or fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
