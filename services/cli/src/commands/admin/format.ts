/**
 * How the admin commands show API messages: times, TTLs, PEM blocks, key/value detail blocks,
 * and the `--output json` form.
 *
 * The JSON form of a message is the proto message as a plain object with the proto field names
 * (snake_case). 64-bit integers are decimal strings, exactly as received; enums are their names.
 * Certificates are PEM `CERTIFICATE` blocks and public keys PEM `PUBLIC KEY` blocks; any other
 * bytes are base64.
 * @module
 */
import { formatDuration } from '@signet/platform';
import { encodePem } from '@signet/spiffe';
import type { Authority__Output, Bundle__Output, MintX509SvidResponse__Output } from './wire.js';

/** A Unix-seconds `int64` string as RFC 3339 UTC; `''` for 0 (unset). */
export function formatTime(unixSeconds: string | number): string {
  const n = Number(unixSeconds);
  if (!Number.isFinite(n) || n === 0) return '';
  const date = new Date(n * 1000);
  return Number.isNaN(date.getTime()) ? String(unixSeconds) : date.toISOString().replace('.000Z', 'Z');
}

/** An expiry: the time, or `never` for 0. */
export function formatExpiry(unixSeconds: string | number): string {
  return formatTime(unixSeconds) || 'never';
}

/** A TTL in seconds: `1h30m`, or `default` for 0. */
export function formatTtl(seconds: number): string {
  return seconds > 0 ? formatDuration(seconds * 1000) : 'default';
}

/** One PEM block. */
export function pemBlock(label: string, der: Uint8Array): string {
  return encodePem(label, der);
}

/** Certificates as concatenated PEM `CERTIFICATE` blocks, in order. */
export function certificatesPem(ders: readonly Uint8Array[]): string {
  return ders.map((der) => pemBlock('CERTIFICATE', der)).join('');
}

/** A SubjectPublicKeyInfo as a PEM `PUBLIC KEY` block; `''` when empty. */
export function publicKeyPem(der: Uint8Array): string {
  return der.length === 0 ? '' : pemBlock('PUBLIC KEY', der);
}

/** Label/value lines, values aligned; a list value repeats its label per item (none when empty). */
export function renderDetails(rows: readonly (readonly [string, string | number | boolean | readonly string[]])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  const lines: string[] = [];
  for (const [label, value] of rows) {
    const values = Array.isArray(value) ? (value as readonly string[]) : [String(value)];
    for (const v of values) lines.push(`${`${label}:`.padEnd(width)}  ${v}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

/** A copy of `value` safe for `JSON.stringify`: `Buffer`s and byte arrays become base64 strings. */
export function jsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}

/** The JSON form of a `Bundle`: authorities as PEM. */
export function bundleJson(bundle: Bundle__Output): unknown {
  return {
    ...bundle,
    x509_authorities: bundle.x509_authorities.map((der) => pemBlock('CERTIFICATE', der)),
    jwt_authorities: bundle.jwt_authorities.map((key) => ({ ...key, public_key: publicKeyPem(key.public_key) })),
  };
}

/** The JSON form of an `Authority`: certificates and public key as PEM. */
export function authorityJson(authority: Authority__Output): unknown {
  return {
    ...authority,
    certificate: authority.certificate.length === 0 ? '' : pemBlock('CERTIFICATE', authority.certificate),
    public_key: publicKeyPem(authority.public_key),
    upstream_chain: authority.upstream_chain.map((der) => pemBlock('CERTIFICATE', der)),
  };
}

/** The JSON form of a `MintX509SvidResponse`: the chain as PEM blocks. */
export function x509SvidJson(svid: MintX509SvidResponse__Output): Record<string, unknown> {
  return { ...svid, cert_chain: svid.cert_chain.map((der) => pemBlock('CERTIFICATE', der)) };
}
