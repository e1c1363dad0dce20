import { describeChar, isPathSegmentChar, quote } from './chars.js';
import { validateTrustDomainName } from './validate-trust-domain.js';

/** The URI scheme prefix of every SPIFFE ID. */
export const SPIFFE_PREFIX = 'spiffe://';
/** Longest SPIFFE ID, in bytes (SPIFFE-ID §2.3). */
export const MAX_SPIFFE_ID_LENGTH = 2048;

type ErrorCtor = new (message: string) => Error;

/**
 * Splits and validates a SPIFFE ID string (SPIFFE-ID §2). Returns the trust domain name and the path
 * (`''` or `/seg/seg`). Throws `Err` with a message that names the rule broken.
 * @internal
 */
export function parseIdString(s: string, Err: ErrorCtor): { td: string; path: string } {
  if (s.length === 0) throw new Err('spiffeid: SPIFFE ID is empty');
  if (s.length > MAX_SPIFFE_ID_LENGTH) {
    throw new Err(`spiffeid: SPIFFE ID is ${s.length} bytes long; at most ${MAX_SPIFFE_ID_LENGTH} are allowed`);
  }
  if (!s.startsWith(SPIFFE_PREFIX)) {
    const lower = s.toLowerCase();
    if (lower.startsWith(SPIFFE_PREFIX)) {
      throw new Err(`spiffeid: scheme must be lowercase "spiffe" (got ${quote(s)}, use ${quote(SPIFFE_PREFIX + s.slice(SPIFFE_PREFIX.length))})`);
    }
    throw new Err(`spiffeid: scheme must be "spiffe://" (got ${quote(s)})`);
  }
  const rest = s.slice(SPIFFE_PREFIX.length);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  // Query and fragment may sit in the authority part when there is no path.
  for (const [ch, what] of [['?', 'query'], ['#', 'fragment']] as const) {
    if (authority.includes(ch)) throw new Err(`spiffeid: SPIFFE ID must not contain a ${what} (got ${quote(s)})`);
  }
  if (authority.length === 0) throw new Err(`spiffeid: trust domain is missing (got ${quote(s)})`);
  const lowerTd = authority.toLowerCase();
  if (lowerTd !== authority && /^[a-z0-9._-]+$/.test(lowerTd)) {
    throw new Err(`spiffeid: trust domain must be lowercase (got ${quote(s)}, use ${quote(SPIFFE_PREFIX + lowerTd + path)})`);
  }
  validateTrustDomainName(authority, Err, 'spiffeid');
  validatePath(path, Err);
  return { td: authority, path };
}

/**
 * Validates a SPIFFE ID path (SPIFFE-ID §2.2): empty, or `/`-separated non-empty segments of
 * `[a-zA-Z0-9.\-_]`, none `.` or `..`, no trailing slash, no percent-encoding, query or fragment.
 * @internal
 */
export function validatePath(path: string, Err: ErrorCtor): void {
  if (path.length === 0) return;
  if (path.charCodeAt(0) !== 0x2f) throw new Err(`spiffeid: path must start with "/" (got ${quote(path)})`);
  let segStart = 1;
  for (let i = 1; i <= path.length; i++) {
    const c = i < path.length ? path.charCodeAt(i) : 0x2f;
    if (c === 0x2f) {
      const seg = path.slice(segStart, i);
      if (seg.length === 0) {
        throw new Err(
          i === path.length
            ? `spiffeid: path must not end with "/" (got ${quote(path)})`
            : `spiffeid: path must not contain empty segments (got ${quote(path)})`,
        );
      }
      if (seg === '.' || seg === '..') {
        throw new Err(`spiffeid: path must not contain dot segments "." or ".." (got ${quote(path)})`);
      }
      segStart = i + 1;
      continue;
    }
    if (isPathSegmentChar(c)) continue;
    if (c === 0x25) throw new Err(`spiffeid: path must not contain percent-encoded characters (got ${quote(path)})`);
    if (c === 0x3f) throw new Err(`spiffeid: SPIFFE ID must not contain a query (got ${quote(path)})`);
    if (c === 0x23) throw new Err(`spiffeid: SPIFFE ID must not contain a fragment (got ${quote(path)})`);
    throw new Err(
      `spiffeid: path segment characters are limited to letters, numbers, dots, dashes, and underscores (got ${describeChar(path, i)} at offset ${i} in ${quote(path)})`,
    );
  }
}
