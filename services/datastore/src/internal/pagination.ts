/**
 * Keyset pagination: bounded page sizes and opaque page tokens.
 *
 * A page token encodes the sort key of the last row returned and the listing
 * it belongs to, so the next page starts strictly after that row even when
 * rows are inserted or deleted between calls (no OFFSET drift).
 *
 * @example
 * ```ts
 * let page = await listEntries(db, {}, { pageSize: 500 });
 * while (page.nextPageToken !== undefined) page = await listEntries(db, {}, { pageSize: 500, pageToken: page.nextPageToken });
 * ```
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/** Page size used when none is requested. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest page size accepted. */
export const MAX_PAGE_SIZE = 1000;

/** Which page of a listing to return. */
export interface PageRequest {
  /** Rows per page, 1-{@link MAX_PAGE_SIZE}; default {@link DEFAULT_PAGE_SIZE}. */
  pageSize?: number | undefined;
  /** The `nextPageToken` of the previous page; absent for the first page. */
  pageToken?: string | undefined;
}

/** One page of results. */
export interface Page<T> {
  /** The rows of this page, in listing order. */
  items: T[];
  /** Token for the next page; absent on the last page. */
  nextPageToken?: string;
}

/** Checks a requested page size and applies the default. */
export function resolvePageSize(pageSize: number | undefined): number {
  if (pageSize === undefined || pageSize === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(
      `pageSize: must be an integer from 1 to ${MAX_PAGE_SIZE} (got ${String(pageSize)})`,
      { field: 'pageSize' },
    );
  }
  return pageSize;
}

/** Encodes the sort key of the last row of a page, for listing `scope`. */
export function encodePageToken(scope: string, key: readonly string[]): string {
  return Buffer.from(JSON.stringify({ s: scope, k: key }), 'utf8').toString('base64url');
}

/** Decodes a page token of listing `scope`; `undefined` for the first page. */
export function decodePageToken(scope: string, token: string | undefined, keyLength: number): string[] | undefined {
  if (token === undefined || token === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const candidate = parsed as { s?: unknown; k?: unknown } | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    candidate.s !== scope ||
    !Array.isArray(candidate.k) ||
    candidate.k.length !== keyLength ||
    !candidate.k.every((part: unknown) => typeof part === 'string')
  ) {
    throw new InvalidArgumentError('pageToken: malformed, or issued by a different listing', { field: 'pageToken' });
  }
  return candidate.k as string[];
}

/**
 * Turns `pageSize + 1` fetched rows into a page: the extra row only signals
 * that another page exists.
 */
export function toPage<T>(rows: T[], pageSize: number, scope: string, keyOf: (row: T) => readonly string[]): Page<T> {
  if (rows.length <= pageSize) return { items: rows };
  const items = rows.slice(0, pageSize);
  const last = items[items.length - 1] as T;
  return { items, nextPageToken: encodePageToken(scope, keyOf(last)) };
}

/** Maps the items of a page, keeping its token. */
export function mapPage<T, U>(page: Page<T>, fn: (item: T) => U): Page<U> {
  const items = page.items.map(fn);
  return page.nextPageToken === undefined ? { items } : { items, nextPageToken: page.nextPageToken };
}
