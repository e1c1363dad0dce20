/**
 * Validation of DNS names for the dNSName SAN (RFC 5280 §4.2.1.6, RFC 1034 §3.5 as relaxed by
 * RFC 1123 §2.1).
 */
import { X509SvidInvalidError } from '../../errors.js';

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Returns the reason `name` is not an acceptable dNSName, or `undefined` when it is. Accepted:
 * ASCII letter-digit-hyphen labels of 1–63 characters (no leading or trailing hyphen), at most 253
 * characters in total, no trailing dot; a single `*` is allowed as the whole left-most label of a
 * name with at least two more labels (`*.example.org`). Internationalized names must be given in
 * their `xn--` form.
 */
export function dnsNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > 253) return `is ${name.length} characters long (at most 253)`;
  if (name.endsWith('.')) return 'must not end with a dot';
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label === '*' && i === 0) {
      if (labels.length < 3) return 'may use a wildcard only above a registrable domain (like *.example.org)';
      continue;
    }
    if (label.length === 0) return 'must not contain empty labels';
    if (label.length > 63) return `has a label of ${label.length} characters (at most 63)`;
    if (!LABEL.test(label)) {
      return label.includes('*')
        ? 'may use "*" only as the whole left-most label'
        : `has label "${label}", which must be letters, digits and inner hyphens`;
    }
  }
  return undefined;
}

/**
 * Validates DNS SANs and drops case-insensitive duplicates (keeping the first spelling).
 * Throws {@link X509SvidInvalidError} naming the offending entry.
 */
export function validateDnsNames(names: readonly string[], field = 'dnsNames'): string[] {
  if (!Array.isArray(names)) throw new TypeError(`${field} must be an array of strings`);
  const seen = new Set<string>();
  const out: string[] = [];
  names.forEach((name, i) => {
    if (typeof name !== 'string') throw new TypeError(`${field}[${i}] must be a string`);
    const problem = dnsNameProblem(name);
    if (problem !== undefined) throw new X509SvidInvalidError(`x509svid: ${field}[${i}] "${name}" ${problem}`);
    const key = name.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(name);
    }
  });
  return out;
}
