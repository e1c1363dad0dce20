/**
 * Assertions on API errors.
 * @module
 */
import assert from 'node:assert/strict';
import { ApiError, type ApiCode, publicError } from '@signet/platform';

/**
 * Asserts that `promise` rejects with an error that reaches callers as `code`, whose message
 * contains `message` (a fragment or a pattern) and, when given, names `field`.
 */
export async function rejectsWithApi(
  promise: Promise<unknown>,
  code: ApiCode,
  message: string | RegExp,
  field?: string,
): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Error, `expected a rejection with ${code}, got ${String(caught)}`);
  const seen = publicError(caught);
  assert.equal(seen.apiCode, code, `expected ${code}, got ${seen.apiCode}: ${caught.message}`);
  if (typeof message === 'string') assert.ok(caught.message.includes(message), `message ${JSON.stringify(caught.message)} lacks ${JSON.stringify(message)}`);
  else assert.match(caught.message, message);
  if (field !== undefined) {
    assert.ok(caught instanceof ApiError, 'expected an ApiError');
    assert.equal(caught.field, field);
  }
  return caught;
}
