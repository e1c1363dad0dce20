/**
 * JWT-SVID request checks and claim values.
 * @module
 */
import { randomFillSync } from 'node:crypto';
import { ApiError } from '@signet/platform';

const MAX_AUDIENCES = 32;

const JTI_POOL = Buffer.alloc(16 * 256);
let jtiNext = 256;

/** A random JWT id (`jti`): 128 bits as 32 hex digits, drawn from a pool refilled every 256 ids. */
export function randomHex16(): string {
  if (jtiNext === 256) {
    randomFillSync(JTI_POOL);
    jtiNext = 0;
  }
  const start = 16 * jtiNext++;
  return JTI_POOL.toString('hex', start, start + 16);
}

/** The audience list of a JWT-SVID request; `invalid_argument` on `audience` (or one item) otherwise. */
export function checkAudience(audience: readonly string[]): string[] {
  if (!Array.isArray(audience) || audience.length === 0) throw ApiError.invalid('audience', 'at least one audience is required');
  if (audience.length > MAX_AUDIENCES) throw ApiError.invalid('audience', `at most ${MAX_AUDIENCES} audiences`);
  audience.forEach((a, i) => {
    if (typeof a !== 'string' || a.length === 0) throw ApiError.invalid(`audience[${i}]`, 'must not be empty');
  });
  return [...audience];
}
