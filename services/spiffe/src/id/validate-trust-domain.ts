import { describeChar, isTrustDomainChar, quote } from './chars.js';

/** Longest trust domain name, in bytes (SPIFFE-ID §2.3, the RFC 3986 host limit). */
export const MAX_TRUST_DOMAIN_LENGTH = 255;

type ErrorCtor = new (message: string) => Error;

/**
 * Validates a trust domain name against SPIFFE-ID §2.1 and §2.3, throwing `Err` with a message naming the rule.
 * @internal
 */
export function validateTrustDomainName(name: string, Err: ErrorCtor, prefix = 'trustdomain'): void {
  if (name.length === 0) throw new Err(`${prefix}: trust domain is missing (the host part must not be empty)`);
  if (name.length > MAX_TRUST_DOMAIN_LENGTH) {
    throw new Err(`${prefix}: trust domain is ${name.length} bytes long; at most ${MAX_TRUST_DOMAIN_LENGTH} are allowed`);
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (isTrustDomainChar(c)) continue;
    if (c >= 0x41 && c <= 0x5a) {
      throw new Err(`${prefix}: trust domain must be lowercase (got ${quote(name)}, use ${quote(name.toLowerCase())})`);
    }
    if (c === 0x25) throw new Err(`${prefix}: trust domain must not contain percent-encoded characters (got ${quote(name)})`);
    if (c === 0x3a) throw new Err(`${prefix}: trust domain must not contain a port (got ${quote(name)})`);
    if (c === 0x40) throw new Err(`${prefix}: trust domain must not contain userinfo (got ${quote(name)})`);
    throw new Err(
      `${prefix}: trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores (got ${describeChar(name, i)} at offset ${i} in ${quote(name)})`,
    );
  }
}
