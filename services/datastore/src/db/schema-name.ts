/**
 * Validation and quoting of the Postgres schema name a datastore runs in.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks that `schema` is a plain lowercase identifier (letters, digits, `_`,
 * at most 63 bytes, not starting with `pg_`), so it can be placed in
 * `search_path` and in DDL without quoting surprises.
 */
export function validateSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema) || schema.startsWith('pg_')) {
    throw new InvalidArgumentError(
      `schema: must be a lowercase identifier of 1-63 characters [a-z0-9_], not starting with a digit or "pg_" (got ${JSON.stringify(schema)})`,
      { field: 'schema' },
    );
  }
  return schema;
}

/** Double-quotes an identifier that passed {@link validateSchemaName}. */
export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
