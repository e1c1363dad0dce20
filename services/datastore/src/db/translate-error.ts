/**
 * The one place where driver errors become datastore errors.
 *
 * Both engines report Postgres errors with the same fields (`code` = SQLSTATE,
 * `constraint`, `table`, `column`, `detail`), so one function serves both.
 * Errors that already are `DatastoreError`s, and programmer errors that are not
 * database errors at all (a `TypeError`), pass through unchanged.
 *
 * @example
 * ```ts
 * try { await client.query(sql, params); } catch (err) { throw translateDbError(err); }
 * ```
 * @module
 */
import {
  AlreadyExistsError,
  DatastoreError,
  InUseError,
  InternalError,
  InvalidArgumentError,
  InvalidReferenceError,
  SerializationFailureError,
  TimeoutError,
  UnavailableError,
} from '../errors.js';
import { constraintRule } from './constraint-messages.js';

/** The fields of a Postgres error that both `pg` and PGlite expose. */
interface PgErrorFields {
  code: string;
  message: string;
  constraint?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  detail?: string | undefined;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** Node socket error codes meaning the server is unreachable or the connection broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** Messages `pg` uses for a lost or unobtainable connection (it sets no code). */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'Client was closed and is not queryable',
];

function asPgError(err: unknown): PgErrorFields | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const candidate = err as Partial<PgErrorFields>;
  if (typeof candidate.code !== 'string' || !SQLSTATE.test(candidate.code)) return undefined;
  return { ...candidate, code: candidate.code, message: String(candidate.message ?? '') };
}

/** True for SQLSTATEs that a retry of the whole transaction may cure. */
export function isRetryableSqlState(code: string): boolean {
  return code === '40001' || code === '40P01';
}

/**
 * Maps a driver error to a {@link DatastoreError} subclass; returns non-database
 * errors unchanged.
 */
export function translateDbError(err: unknown): unknown {
  if (err instanceof DatastoreError) return err;
  const pgErr = asPgError(err);
  if (pgErr === undefined) return translateNonSqlError(err);
  const rule = constraintRule(pgErr.constraint);
  const options = { cause: err, constraint: pgErr.constraint, field: rule?.field ?? fieldOf(pgErr) };
  const describe = (fallback: string): string =>
    rule !== undefined ? `${rule.field}: ${rule.rule}` : `${fieldOf(pgErr) ?? 'value'}: ${fallback}`;
  const { code } = pgErr;

  switch (code) {
    case '23505':
      return new AlreadyExistsError(withDetail(describe('already exists'), pgErr.detail), options);
    case '23503':
      if (pgErr.detail?.includes('still referenced') === true) {
        return new InUseError(
          withDetail(`${pgErr.table ?? 'row'}: still referenced through ${pgErr.constraint ?? 'a foreign key'}`, pgErr.detail),
          options,
        );
      }
      return new InvalidReferenceError(withDetail(describe('refers to a row that does not exist'), pgErr.detail), options);
    case '23514':
    case '23P01':
      return new InvalidArgumentError(describe(`violates ${pgErr.constraint ?? 'a check constraint'}`), options);
    case '23502':
      return new InvalidArgumentError(`${fieldOf(pgErr) ?? 'value'}: is required`, options);
    case '54000':
      return new InvalidArgumentError(`${fieldOf(pgErr) ?? 'value'}: too large (${pgErr.message})`, options);
    case '57014':
    case '55P03':
      return new TimeoutError(`statement cancelled: ${pgErr.message}`, options);
    default:
      break;
  }
  if (isRetryableSqlState(code)) {
    return new SerializationFailureError(`transaction aborted by a concurrent transaction: ${pgErr.message}`, options);
  }
  if (code.startsWith('22')) {
    return new InvalidArgumentError(`${fieldOf(pgErr) ?? 'value'}: ${pgErr.message}`, options);
  }
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') {
    return new UnavailableError(`database unavailable: ${pgErr.message}`, options);
  }
  return new InternalError(`database error ${code}: ${pgErr.message}`, options);
}

function translateNonSqlError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new UnavailableError(`database unreachable: ${err.message}`, { cause: err });
  }
  if (err instanceof AggregateError && err.errors.some((e) => translateNonSqlError(e) instanceof UnavailableError)) {
    return new UnavailableError(`database unreachable: ${err.errors.map((e: unknown) => String(e)).join('; ')}`, { cause: err });
  }
  if (PG_CONNECTION_MESSAGES.some((m) => err.message.includes(m))) {
    return new UnavailableError(`database connection lost: ${err.message}`, { cause: err });
  }
  return err;
}

function fieldOf(pgErr: PgErrorFields): string | undefined {
  if (pgErr.table !== undefined && pgErr.column !== undefined) return `${pgErr.table}.${pgErr.column}`;
  return pgErr.column ?? pgErr.table;
}

function withDetail(message: string, detail: string | undefined): string {
  return detail === undefined || detail === '' ? message : `${message} (${detail})`;
}
