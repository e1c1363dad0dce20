/**
 * DNS name rules for an entry's `dns_names` (the SANs of its X.509-SVIDs): host names of letters,
 * digits and hyphens in dot-separated labels of 1 to 63 characters that neither start nor end
 * with a hyphen, at most 253 characters in all. A wildcard is allowed only as the whole leftmost
 * label (`*.example.org`), followed by at least two labels. Names compare case-insensitively, so a
 * list may not repeat one in another case.
 * @module
 */
import { ApiError } from '@signet/platform';

/** Longest DNS name accepted. */
export const MAX_DNS_NAME_LENGTH = 253;
/** Most DNS names one entry may carry. */
export const MAX_DNS_NAMES = 100;

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why `name` is not an acceptable DNS name, or `undefined` when it is. */
export function dnsNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name === '') return 'must not be empty';
  if (name.length > MAX_DNS_NAME_LENGTH) return `must be at most ${MAX_DNS_NAME_LENGTH} characters`;
  const labels = name.split('.');
  const wildcard = labels[0] === '*';
  if (name.includes('*') && !wildcard) return 'may hold a wildcard only as the whole leftmost label (*.example.org)';
  const rest = wildcard ? labels.slice(1) : labels;
  if (wildcard && rest.length < 2) return 'a wildcard must be followed by at least two labels (*.example.org)';
  for (const label of rest) {
    if (label === '') return 'must not have an empty label (check for ".." or a leading or trailing ".")';
    if (label.includes('*')) return 'may hold a wildcard only as the whole leftmost label (*.example.org)';
    if (!LABEL.test(label)) {
      return `label ${JSON.stringify(label)} must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen`;
    }
  }
  return undefined;
}

/** Checks a list of DNS names (`field` is the list, e.g. `entries[0].dns_names`). */
export function checkDnsNames(names: readonly string[] | null | undefined, field: string): string[] {
  const list = names ?? [];
  if (!Array.isArray(list)) throw ApiError.invalid(field, 'must be a list of DNS names');
  if (list.length > MAX_DNS_NAMES) throw ApiError.invalid(field, `must hold at most ${MAX_DNS_NAMES} names`);
  const seen = new Set<string>();
  return list.map((name, i) => {
    const problem = dnsNameProblem(name);
    if (problem !== undefined) throw ApiError.invalid(`${field}[${i}]`, `${JSON.stringify(name)} is not a valid DNS name: ${problem}`);
    const key = name.toLowerCase();
    if (seen.has(key)) throw ApiError.invalid(`${field}[${i}]`, `repeats DNS name ${JSON.stringify(name)}`);
    seen.add(key);
    return name;
  });
}
