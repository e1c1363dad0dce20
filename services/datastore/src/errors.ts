/**
 * Errors raised by `@signet/datastore`.
 *
 * Every failure a caller can act on is a {@link DatastoreError} subclass with
 * a stable `code`, so the API layer maps it to a gRPC or HTTP status in one
 * place (`switch (err.code)`). Postgres errors (unique, foreign-key and check
 * violations, serialization failures, timeouts, lost connections) are
 * translated into these classes by `translateDbError`, the single place that
 * looks at SQLSTATE codes. Programmer mistakes (calling `db.query` inside a
 * transaction of the same `Db`, using a finished transaction) throw a plain
 * `TypeError` instead.
 *
 * Messages name the field and the rule, for example
 * `registration_entries.spiffe_id: must be a SPIFFE ID (spiffe://<trust domain>/<path>) of at most 2048 bytes`.
 *
 * @example
 * ```ts
 * import { createEntry, AlreadyExistsError } from '@signet/datastore';
 * try {
 *   await createEntry(db, entry, clock.now());
 * } catch (err) {
 *   if (err instanceof AlreadyExistsError) console.log(err.code, err.message);
 * }
 * ```
 * @module
 */

/** Every stable error code this package can raise. */
export type DatastoreErrorCode =
  | 'ERR_DATASTORE_ALREADY_EXISTS'
  | 'ERR_DATASTORE_NOT_FOUND'
  | 'ERR_DATASTORE_CONFLICT'
  | 'ERR_DATASTORE_INVALID_ARGUMENT'
  | 'ERR_DATASTORE_INVALID_REFERENCE'
  | 'ERR_DATASTORE_IN_USE'
  | 'ERR_DATASTORE_EXPIRED'
  | 'ERR_DATASTORE_ALREADY_USED'
  | 'ERR_DATASTORE_SERIALIZATION_FAILURE'
  | 'ERR_DATASTORE_TIMEOUT'
  | 'ERR_DATASTORE_UNAVAILABLE'
  | 'ERR_DATASTORE_MIGRATION'
  | 'ERR_DATASTORE_EVENTS_PRUNED'
  | 'ERR_DATASTORE_INTERNAL';

/** Extra, structured facts an error may carry. */
export interface DatastoreErrorOptions {
  /** The underlying error (a driver error, usually). */
  cause?: unknown;
  /** The database constraint that was violated, when there is one. */
  constraint?: string;
  /** The field (`table.column` or an argument name) the error is about. */
  field?: string;
}

/** Base class of every error raised by `@signet/datastore`. */
export class DatastoreError extends Error {
  /** A stable, machine-readable code; the class of the error is implied by it. */
  static readonly code: DatastoreErrorCode = 'ERR_DATASTORE_INTERNAL';
  /** The stable error code of this instance. */
  readonly code: DatastoreErrorCode;
  /** The violated database constraint, if any. */
  readonly constraint: string | undefined;
  /** The field the error is about, if known. */
  readonly field: string | undefined;

  constructor(message: string, options: DatastoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = (new.target as unknown as { code: DatastoreErrorCode }).code;
    this.constraint = options.constraint;
    this.field = options.field;
  }
}

/** A row with the same key (or unique combination of fields) already exists. */
export class AlreadyExistsError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_ALREADY_EXISTS' as const;
}

/** The row an update, delete or transition targets does not exist. */
export class NotFoundError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_NOT_FOUND' as const;
}

/** The row changed since it was read: stale revision, sequence or state. Re-read and retry. */
export class ConflictError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_CONFLICT' as const;
}

/** A value breaks a rule (format, range, required field, page size, page token). */
export class InvalidArgumentError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_INVALID_ARGUMENT' as const;
}

/** A value refers to a row that does not exist (a foreign-key violation on write). */
export class InvalidReferenceError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_INVALID_REFERENCE' as const;
}

/** A row cannot be deleted because other rows still refer to it. */
export class InUseError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_IN_USE' as const;
}

/** A time-limited row (a join token) has expired. */
export class ExpiredError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_EXPIRED' as const;
}

/** A single-use row (a join token) has already been used. */
export class AlreadyUsedError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_ALREADY_USED' as const;
}

/**
 * A transaction kept failing with a serialization failure or deadlock after
 * the bounded retries in `Db.transaction`. The caller may retry later.
 */
export class SerializationFailureError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_SERIALIZATION_FAILURE' as const;
}

/** A statement was cancelled by the statement timeout (or a lock wait timed out). */
export class TimeoutError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_TIMEOUT' as const;
}

/** The database cannot be reached, or the connection was lost mid-operation. */
export class UnavailableError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_UNAVAILABLE' as const;
}

/**
 * The schema cannot be brought to the version this build expects: an applied
 * migration's checksum changed, the database is newer than the code, or a
 * migration failed (it was rolled back).
 */
export class MigrationError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_MIGRATION' as const;
}

/**
 * Change events a subscriber had not read yet were pruned by retention. The
 * subscriber missed changes and must resynchronise from the tables.
 */
export class EventsPrunedError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_EVENTS_PRUNED' as const;
  /** The last revision the subscriber had seen. */
  readonly afterRevision: number;
  /** Every event up to and including this revision may have been deleted. */
  readonly prunedThrough: number;

  constructor(afterRevision: number, prunedThrough: number) {
    super(
      `change_events: events after revision ${afterRevision} up to ${prunedThrough} were pruned before they were read; resynchronise`,
      { field: 'change_events.revision' },
    );
    this.afterRevision = afterRevision;
    this.prunedThrough = prunedThrough;
  }
}

/** An unexpected database error (a bug, or a value this package cannot represent). */
export class InternalError extends DatastoreError {
  static override readonly code = 'ERR_DATASTORE_INTERNAL' as const;
}

/** Union of every concrete error class, for exhaustive handling. */
export type AnyDatastoreError =
  | AlreadyExistsError
  | NotFoundError
  | ConflictError
  | InvalidArgumentError
  | InvalidReferenceError
  | InUseError
  | ExpiredError
  | AlreadyUsedError
  | SerializationFailureError
  | TimeoutError
  | UnavailableError
  | MigrationError
  | EventsPrunedError
  | InternalError;
