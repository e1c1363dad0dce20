/**
 * Page tokens and page sizes of the registrar's listings.
 *
 * A token handed to a caller wraps the position the datastore (or an in-memory listing) needs,
 * together with the listing's name and a digest of the filter it was issued for, behind a
 * checksum. A token that was altered, truncated, issued by another listing or presented with a
 * different filter is refused with `invalid_argument` on `page.page_token`, instead of silently
 * returning a wrong page. The checksum protects integrity, not secrecy: a token only says where
 * the next page starts, which an admin caller may know anyway.
 *
 * @example
 * ```ts
 * const page = resolvePage(request.page, { listing: 'entries', filter, limits });
 * const rows = await listEntries(db, filter, { pageSize: page.pageSize, pageToken: page.position });
 * const next = nextPageToken(rows.nextPageToken, { listing: 'entries', filter });
 * ```
 * @module
 */
import { createHash } from 'node:crypto';
import { ApiError } from '@signet/platform';

/** Page sizes the listing accepts. */
export interface PageLimits {
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
}

/** What a listing binds its tokens to. */
export interface PageScope {
  /** The listing's name, e.g. `entries`. */
  readonly listing: string;
  /** The filter the caller listed with, in any JSON-serialisable form that is equal for equal filters. */
  readonly filter: unknown;
}

/** A page request as the API carries it. */
export interface PageRequestInput {
  readonly page_size?: number | null | undefined;
  readonly page_token?: string | null | undefined;
}

/** A checked page request. */
export interface ResolvedPage {
  readonly pageSize: number;
  /** Where to continue (the inner position), or `undefined` for the first page. */
  readonly position: string | undefined;
}

const VERSION = 1;

/**
 * Checks the page size (0 or absent: the default; above the maximum: `invalid_argument` on
 * `<field>.page_size`) and unwraps the page token (`invalid_argument` on `<field>.page_token`).
 */
export function resolvePage(
  page: PageRequestInput | null | undefined,
  scope: PageScope & { readonly limits: PageLimits },
  field = 'page',
): ResolvedPage {
  const size = page?.page_size ?? 0;
  if (!Number.isInteger(size) || size < 0 || size > scope.limits.maxPageSize) {
    throw ApiError.invalid(`${field}.page_size`, `must be a whole number from 0 (the default, ${scope.limits.defaultPageSize}) to ${scope.limits.maxPageSize} (got ${String(size)})`);
  }
  const token = page?.page_token ?? '';
  return { pageSize: size === 0 ? scope.limits.defaultPageSize : size, position: token === '' ? undefined : openToken(token, scope, `${field}.page_token`) };
}

/** Wraps the position of the next page for the caller; `''` when there is no next page. */
export function nextPageToken(position: string | undefined, scope: PageScope): string {
  if (position === undefined || position === '') return '';
  const body = Buffer.from(JSON.stringify([VERSION, scope.listing, filterDigest(scope.filter), position]), 'utf8').toString('base64url');
  return `${body}.${checksum(body)}`;
}

function openToken(token: string, scope: PageScope, field: string): string {
  const refuse = (why: string): ApiError => ApiError.invalid(field, `${why}; pass the next_page_token of the previous page unchanged, with the same filters`);
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 8192) throw refuse('is malformed');
  const body = token.slice(0, dot);
  if (token.slice(dot + 1) !== checksum(body)) throw refuse('is malformed or was altered');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw refuse('is malformed');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== VERSION || typeof parsed[3] !== 'string') throw refuse('is malformed');
  if (parsed[1] !== scope.listing) throw refuse(`was issued by another listing (${String(parsed[1])})`);
  if (parsed[2] !== filterDigest(scope.filter)) throw refuse('was issued for different filters');
  return parsed[3];
}

function checksum(body: string): string {
  return createHash('sha256').update('signet.registrar.page_token\0').update(body).digest().subarray(0, 12).toString('base64url');
}

function filterDigest(filter: unknown): string {
  return createHash('sha256').update(JSON.stringify(filter ?? null)).digest().subarray(0, 12).toString('base64url');
}
