/**
 * Checks of caller-supplied parameters shared by the minting functions. Wrong types and
 * out-of-range numbers are programmer errors and throw `TypeError`. @internal
 */
import { KeyObject } from 'node:crypto';
import { exportSpki } from '../../internal/keys.js';

/** `now` when given (must be a valid Date), else the current time. */
export function checkNow(now: Date | undefined): Date {
  if (now === undefined) return new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now must be a valid Date');
  return now;
}

/** Checks a duration in whole seconds, at least `min`. */
export function checkDuration(value: number, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${field} must be an integer number of seconds ≥ ${min} (got ${String(value)})`);
  }
  return value;
}

/** DER SubjectPublicKeyInfo of a public key given as a `KeyObject` or as DER bytes. */
export function spkiOf(key: KeyObject | Uint8Array, field: string): Uint8Array {
  if (key instanceof Uint8Array) return key;
  if (key instanceof KeyObject && key.type !== 'secret') return exportSpki(key);
  throw new TypeError(`${field} must be a public KeyObject or DER SubjectPublicKeyInfo bytes`);
}
