/** Character rules shared by trust-domain and path validation (SPIFFE-ID §2.1, §2.2). */

/** True when `c` (a char code) may appear in a trust domain name: `[a-z0-9.\-_]`. */
export function isTrustDomainChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x5f;
}

/** True when `c` (a char code) may appear in a path segment: `[a-zA-Z0-9.\-_]`. */
export function isPathSegmentChar(c: number): boolean {
  return isTrustDomainChar(c) || (c >= 0x41 && c <= 0x5a);
}

/** Renders one character for an error message, showing control and non-ASCII characters as code points. */
export function describeChar(s: string, i: number): string {
  const cp = s.codePointAt(i) ?? 0;
  if (cp < 0x20 || cp === 0x7f || cp > 0x7e) return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(String.fromCodePoint(cp));
}

/** Quotes untrusted input for an error message, cut to a readable length. */
export function quote(s: string, max = 80): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}
