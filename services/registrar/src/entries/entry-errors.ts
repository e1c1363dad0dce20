/**
 * Datastore failures of entry writes, restated for the API caller: the field by its request
 * path (`entries[2].id`, `updates[0].entry.revision`) and the rule, with the right status class.
 * Failures the caller cannot act on (an unreachable database) pass through unchanged.
 * @module
 */
import { ApiError } from '@signet/platform';
import { DatastoreError } from '@signet/datastore';

/** The constraint that makes (spiffe_id, parent_id, selector set) unique. */
export const IDENTITY_CONSTRAINT = 'registration_entries_identity_key';

/** Restates `err`, raised while writing the entry at `path` (e.g. `entries[2]`), for the caller. */
export function entryWriteError(err: unknown, path: string, id: string | undefined): unknown {
  if (!(err instanceof DatastoreError)) return err;
  const quoted = JSON.stringify(id ?? '');
  switch (err.code) {
    case 'ERR_DATASTORE_ALREADY_EXISTS':
      if (err.constraint === IDENTITY_CONSTRAINT) {
        return new ApiError('already_exists', `${path}: an entry with the same spiffe_id, parent_id and selectors already exists`, {
          field: path,
          cause: err,
        });
      }
      return new ApiError('already_exists', `${path}.id: an entry with id ${quoted} already exists`, { field: `${path}.id`, cause: err });
    case 'ERR_DATASTORE_NOT_FOUND':
      return new ApiError('not_found', `${path}.id: no entry with id ${quoted}`, { field: `${path}.id`, cause: err });
    case 'ERR_DATASTORE_CONFLICT':
      return new ApiError('aborted', `${path}.revision: ${afterColon(err.message)}`, { field: `${path}.revision`, cause: err });
    case 'ERR_DATASTORE_INVALID_ARGUMENT':
    case 'ERR_DATASTORE_INVALID_REFERENCE':
      return ApiError.invalid(path, err.message, err);
    default:
      return err;
  }
}

/** True for failures caused by the rows of one item (so the other items of a batch may still succeed). */
export function isItemFailure(err: unknown): boolean {
  return (
    err instanceof DatastoreError &&
    (err.code === 'ERR_DATASTORE_ALREADY_EXISTS' ||
      err.code === 'ERR_DATASTORE_INVALID_ARGUMENT' ||
      err.code === 'ERR_DATASTORE_INVALID_REFERENCE' ||
      err.code === 'ERR_DATASTORE_NOT_FOUND' ||
      err.code === 'ERR_DATASTORE_CONFLICT')
  );
}

function afterColon(message: string): string {
  const i = message.indexOf(': ');
  return i < 0 ? message : message.slice(i + 2);
}
