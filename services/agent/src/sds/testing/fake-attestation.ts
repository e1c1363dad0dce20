/**
 * A {@link CallerAttestation} double for tests: the caller's selectors come from the
 * `x-test-workload` metadata of the call (a name mapped to selectors), or are the defaults; it
 * can be made to refuse, or to wait until released.
 * @module
 */
import type { ServerSurfaceCall } from '@signet/platform';
import type { Selector } from '../../domain/selectors.js';
import type { CallerAttestation, WorkloadCaller } from '../../endpoint/types.js';

/** The metadata key naming the test workload of a call. */
export const TEST_WORKLOAD_HEADER = 'x-test-workload';

/** The selectors of test workload `name`: `[{ type: 'test', value: name }]`. */
export function workloadSelectors(name: string): Selector[] {
  return [{ type: 'test', value: name }];
}

/** Attests test callers. */
export class FakeAttestation implements CallerAttestation {
  /** Thrown by every attestation while set. */
  error: Error | undefined;
  /** Awaited by every attestation while set (to hold streams in the attesting phase). */
  hold: Promise<void> | undefined;
  /** Selectors of callers without the workload header. */
  defaultSelectors: readonly Selector[];
  #calls = 0;

  constructor(defaultSelectors: readonly Selector[] = workloadSelectors('default')) {
    this.defaultSelectors = defaultSelectors;
  }

  /** How many attestations were asked for. */
  get calls(): number {
    return this.#calls;
  }

  async attestCaller(call: ServerSurfaceCall, signal?: AbortSignal): Promise<WorkloadCaller> {
    this.#calls++;
    if (this.hold !== undefined) await this.hold;
    signal?.throwIfAborted();
    if (this.error !== undefined) throw this.error;
    const named = call.metadata.get(TEST_WORKLOAD_HEADER)[0];
    const selectors = typeof named === 'string' && named !== '' ? workloadSelectors(named) : this.defaultSelectors;
    return { peer: { credentials: { pid: 1, uid: 0, gid: 0 }, isSameProcess: () => true }, selectors };
  }
}
