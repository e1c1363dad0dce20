/**
 * Join token values: 256 bits from the operating system's CSPRNG, written URL-safe (base64url,
 * 43 characters) so they survive shells, URLs and config files unquoted.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { hashJoinToken } from '@signet/datastore';

/** Random bytes in a token (256 bits). */
export const JOIN_TOKEN_BYTES = 32;
/** Hex characters of the token hash shown in logs and audit lines. */
export const HASH_PREFIX_LENGTH = 12;

/** A new join token value. */
export function generateJoinToken(): string {
  return randomBytes(JOIN_TOKEN_BYTES).toString('base64url');
}

/** The first {@link HASH_PREFIX_LENGTH} hex characters of the token's SHA-256: safe to log, enough to find it. */
export function joinTokenHashPrefix(token: string): string {
  return hashJoinToken(token).slice(0, HASH_PREFIX_LENGTH);
}
