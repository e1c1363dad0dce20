/**
 * Strict base64url (RFC 4648 §5) without padding, as JOSE uses it (RFC 7515 §2), and strict
 * standard base64 for the `x5c` JWK member (RFC 7517 §4.7).
 *
 * Node's own decoders skip characters outside the alphabet and accept non-zero trailing bits, so
 * two different strings can decode to the same bytes. The decoders here accept exactly one
 * spelling per byte string, which keeps tokens non-malleable.
 * @internal
 */

type ErrorCtor = new (message: string) => Error;

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Encodes bytes (or a UTF-8 string) as unpadded base64url. */
export function encodeBase64url(data: Uint8Array | string): string {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return buf.toString('base64url');
}

/**
 * Decodes unpadded, canonical base64url. Throws `Err` naming `what` when the text holds a character
 * outside the alphabet, padding, an impossible length or non-zero trailing bits.
 */
export function decodeBase64url(text: string, what: string, Err: ErrorCtor): Buffer {
  if (typeof text !== 'string') throw new Err(`${what} must be a base64url string`);
  if (!BASE64URL.test(text)) throw new Err(`${what} is not base64url (only A-Z a-z 0-9 - _ are allowed, without padding)`);
  if (!hasCanonicalTail(text, text.length)) throw new Err(`${what} is not canonical base64url (bad length or trailing bits)`);
  return Buffer.from(text, 'base64url');
}

/**
 * Decodes canonical standard base64 with padding (as in `x5c`). Throws `Err` naming `what` otherwise.
 */
export function decodeBase64(text: string, what: string, Err: ErrorCtor): Buffer {
  if (typeof text !== 'string') throw new Err(`${what} must be a base64 string`);
  if (!BASE64.test(text) || text.length % 4 !== 0) throw new Err(`${what} is not padded standard base64`);
  const unpadded = text.endsWith('==') ? text.length - 2 : text.endsWith('=') ? text.length - 1 : text.length;
  if (!hasCanonicalTail(text, unpadded)) throw new Err(`${what} is not canonical base64 (non-zero trailing bits)`);
  return Buffer.from(text, 'base64');
}

/** Encodes bytes as padded standard base64. */
export function encodeBase64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/**
 * True when the first `len` characters of `text` form a whole number of bytes with zero padding
 * bits: a final group of 2 characters carries 4 unused bits, a group of 3 carries 2.
 */
function hasCanonicalTail(text: string, len: number): boolean {
  const rem = len % 4;
  if (rem === 0) return true;
  if (rem === 1) return false;
  const v = sextet(text.charCodeAt(len - 1));
  return rem === 2 ? (v & 0x0f) === 0 : (v & 0x03) === 0;
}

function sextet(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  return c === 0x2d || c === 0x2b ? 62 : 63;
}
