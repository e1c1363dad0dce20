/**
 * Validation of transaction options and the bounded retry both engines use.
 * @module
 */
import { SerializationFailureError } from '../errors.js';
import type { IsolationLevel, TransactionOptions } from './types.js';

/** How many times a transaction callback may run by default. */
export const DEFAULT_MAX_ATTEMPTS = 3;

const ISOLATION_SQL: Readonly<Record<IsolationLevel, string>> = {
  'read committed': 'ISOLATION LEVEL READ COMMITTED',
  'repeatable read': 'ISOLATION LEVEL REPEATABLE READ',
  serializable: 'ISOLATION LEVEL SERIALIZABLE',
};

/** The resolved form of {@link TransactionOptions}. */
export interface ResolvedTransactionOptions {
  /** Transaction modes for `BEGIN <modes>` or `SET TRANSACTION <modes>`; empty for the defaults. */
  readonly modes: string;
  /** Total attempts allowed. */
  readonly maxAttempts: number;
}

/** Checks the options (a bad option is a programmer error: `TypeError`) and resolves defaults. */
export function resolveTransactionOptions(options: TransactionOptions | undefined): ResolvedTransactionOptions {
  const modes: string[] = [];
  if (options?.isolation !== undefined) {
    if (!Object.hasOwn(ISOLATION_SQL, options.isolation)) {
      throw new TypeError(`transaction: unknown isolation level ${JSON.stringify(options.isolation)}`);
    }
    modes.push(ISOLATION_SQL[options.isolation]);
  }
  if (options?.readOnly === true) modes.push('READ ONLY');
  const maxAttempts = options?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw new TypeError(`transaction: maxAttempts must be an integer from 1 to 20 (got ${String(maxAttempts)})`);
  }
  return { modes: modes.join(', '), maxAttempts };
}

/**
 * Runs `attempt` until it succeeds, fails with something other than a
 * serialization failure, or `maxAttempts` runs have failed. Waits a short,
 * jittered, growing delay between runs.
 */
export async function retrySerializationFailures<T>(maxAttempts: number, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof SerializationFailureError) || n >= maxAttempts) throw err;
      const delayMs = Math.random() * 5 * 2 ** n;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
