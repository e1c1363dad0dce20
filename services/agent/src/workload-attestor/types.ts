/**
 * Workload attestors: each turns the peer of a connection into selectors of its type.
 * @module
 */
import type { Selector } from '../domain/selectors.js';
import type { WorkloadPeer } from '../peer/types.js';

/** One workload attestation method (`unix`, `k8s`, ...). */
export interface WorkloadAttestor {
  /** The selector type it produces, e.g. `unix`. */
  readonly type: string;
  /**
   * The selectors of the workload behind `peer`. Throws an `ApiError` ('permission_denied' when
   * the process is gone, 'unavailable' when a dependency such as the kubelet cannot be reached).
   */
  attest(peer: WorkloadPeer, signal?: AbortSignal): Promise<Selector[]>;
}
