/**
 * Short content hashes (resource and stream versions) and nonces.
 * @module
 */
import { hash, randomBytes } from 'node:crypto';

/** Hex characters kept of a SHA-256 digest for versions (64 bits). */
const VERSION_HEX_CHARS = 16;

/** A short hex SHA-256 of `bytes`: the per-resource version of an encoded secret. */
export function contentVersion(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex').slice(0, VERSION_HEX_CHARS);
}

/**
 * A version for a set of resources: for one resource, its own version; else a short hex SHA-256
 * over the `name → version` pairs, order-independent (pairs are sorted by name).
 */
export function setVersion(entries: ReadonlyMap<string, string> | Iterable<readonly [string, string]>): string {
  // One resource (Envoy opens a stream per secret): its version already names its content and
  // its name (the name is inside the hashed secret), so it stands for the set.
  if (entries instanceof Map && entries.size === 1) return entries.values().next().value as string;
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let text = '';
  for (const [name, version] of sorted) text += `${name}\0${version}\n`;
  return hash('sha256', text, 'hex').slice(0, VERSION_HEX_CHARS);
}

/** 48 random bits per process: nonces of different agent runs never collide. */
const NONCE_PREFIX = randomBytes(6).toString('hex');
let nonceCounter = 0;

/**
 * A nonce, unique across every stream of this process and across restarts: a random per-process
 * prefix and a counter. (A nonce only correlates ACKs with responses; it needs uniqueness, not
 * secrecy, and a fresh `randomBytes` per push cost about a fifth of the push time at 10,000 streams.)
 */
export function nextNonce(): string {
  nonceCounter = nonceCounter === Number.MAX_SAFE_INTEGER ? 1 : nonceCounter + 1;
  return `${NONCE_PREFIX}${nonceCounter.toString(36)}`;
}
