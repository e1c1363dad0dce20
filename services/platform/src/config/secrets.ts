/**
 * Gathering the values of config keys marked secret, so that they can be registered with
 * the log scrubber before anything is logged.
 * @module
 */
import type { EnvBinding } from './env.js';

/**
 * The secret strings in `config`: values of keys marked `.secret()` (every string in a
 * secret list or map), and for URLs also the decoded password they carry.
 */
export function collectSecrets(bindings: Iterable<EnvBinding>, config: unknown): readonly string[] {
  const found = new Set<string>();
  for (const binding of bindings) {
    if (!binding.secret) continue;
    let value: unknown = config;
    for (const segment of binding.path) {
      value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
    }
    addStrings(value, found);
  }
  return Object.freeze([...found]);
}

function addStrings(value: unknown, found: Set<string>): void {
  if (typeof value === 'string') {
    if (value === '') return;
    found.add(value);
    const password = urlPassword(value);
    if (password !== undefined) found.add(password);
  } else if (Array.isArray(value)) {
    for (const item of value) addStrings(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) addStrings(item, found);
  }
}

function urlPassword(value: string): string | undefined {
  if (!value.includes('://')) return undefined;
  try {
    const { password } = new URL(value);
    if (password === '') return undefined;
    try {
      return decodeURIComponent(password);
    } catch {
      return password;
    }
  } catch {
    return undefined;
  }
}
