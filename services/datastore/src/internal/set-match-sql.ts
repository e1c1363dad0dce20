/**
 * SQL for comparing the set of child rows an owner row holds (an entry's
 * selectors or trust domains, a node's selectors) with a set given in a filter.
 * See `SetMatch` for the meaning of each mode. The given set is passed as one
 * array parameter per key column and unnested, so the statement text does not
 * depend on the set's size.
 * @module
 */
import type { SetMatch } from '../selector.js';
import type { SqlParams } from './sql-params.js';

/** Where the sets live and what is compared. */
export interface SetMatchTarget {
  /** The child table, e.g. `registration_entry_selectors`. */
  readonly table: string;
  /** Column of the child table referring to the owner, e.g. `entry_id`. */
  readonly ownerColumn: string;
  /** Expression of the owner's key in the outer query, e.g. `e.id`. */
  readonly ownerRef: string;
  /** Key columns compared, e.g. `['type', 'value']`. */
  readonly keyColumns: readonly string[];
}

/**
 * Returns a boolean SQL condition on the outer row. `values[i]` holds the
 * given elements' values for `keyColumns[i]`; elements must be distinct.
 */
export function setMatchCondition(
  params: SqlParams,
  target: SetMatchTarget,
  values: readonly (readonly string[])[],
  match: SetMatch,
): string {
  const count = values[0]?.length ?? 0;
  const unnest = `unnest(${values.map((column) => `${params.add(column)}::text[]`).join(', ')}) AS g(${target.keyColumns.join(', ')})`;
  const joinOn = target.keyColumns.map((k) => `c.${k} = g.${k}`).join(' AND ');
  const matching = `SELECT c.${target.ownerColumn} FROM ${target.table} c JOIN ${unnest} ON ${joinOn}`;
  const containsAll = (): string =>
    `${target.ownerRef} IN (${matching} GROUP BY c.${target.ownerColumn} HAVING count(*) = ${params.add(count)}::int)`;
  const sharesAny = `${target.ownerRef} IN (${matching})`;
  const nothingElse =
    `NOT EXISTS (SELECT 1 FROM ${target.table} c WHERE c.${target.ownerColumn} = ${target.ownerRef} ` +
    `AND NOT EXISTS (SELECT 1 FROM ${unnest} WHERE ${joinOn}))`;
  switch (match) {
    case 'match_any':
      return sharesAny;
    case 'superset':
      return containsAll();
    case 'subset':
      return `(${sharesAny} AND ${nothingElse})`;
    case 'exact':
      return `(${containsAll()} AND ${nothingElse})`;
  }
}
