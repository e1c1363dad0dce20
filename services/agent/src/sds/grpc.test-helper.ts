/**
 * Shared setup of the gRPC-level SDS tests: a harness per test, shared identities.
 */
import type { Selector } from '../domain/selectors.js';
import { workloadSelectors } from './testing/fake-attestation.js';
import { startSdsHarness, type SdsHarness, type SdsHarnessOptions } from './testing/harness.js';

/** Runs `fn` against a fresh SDS server on a Unix socket, closing it afterwards. */
export async function withSds(fn: (h: SdsHarness) => Promise<void>, options: SdsHarnessOptions = {}): Promise<void> {
  const harness = await startSdsHarness(options);
  try {
    await fn(harness);
  } finally {
    await harness.close();
  }
}

/** Selectors of test workload `name`. */
export function W(name: string): Selector[] {
  return workloadSelectors(name);
}

/** Log records above debug (pino JSON). */
export function loudRecords(h: SdsHarness): Record<string, unknown>[] {
  return h.logs.records().filter((r) => r['level'] !== 'debug' && r['level'] !== 'trace');
}
