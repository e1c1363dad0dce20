/**
 * Attesting the caller of a call on the workload endpoint: every attestor on the connection's
 * peer, then a check that the peer is still the process that connected.
 * @module
 */
import { ApiError, type Logger, type ServerSurfaceCall } from '@signet/platform';
import type { Selector } from '../domain/selectors.js';
import type { WorkloadPeer } from '../peer/types.js';
import type { WorkloadAttestor } from '../workload-attestor/types.js';
import type { AttestationMetrics, AttestationOutcome } from './attestation-metrics.js';
import type { CallerAttestation, WorkloadCaller } from './types.js';

/** What {@link createCallerAttestation} needs. */
export interface CallerAttestationDeps {
  /** The peer of the connection whose calls report `peerName` (`call.getPeer()`), if it is open. */
  readonly peerOf: (peerName: string) => WorkloadPeer | undefined;
  readonly attestors: readonly WorkloadAttestor[];
  readonly metrics: AttestationMetrics;
  readonly logger: Logger;
}

/**
 * Creates the {@link CallerAttestation} of an endpoint. Attestors run concurrently and their
 * selectors are concatenated in attestor order. When attestors fail, a `permission_denied` error
 * wins over others; an error that is not an `ApiError` becomes `unavailable` naming the attestor.
 */
export function createCallerAttestation(deps: CallerAttestationDeps): CallerAttestation {
  return {
    async attestCaller(call: ServerSurfaceCall, signal?: AbortSignal): Promise<WorkloadCaller> {
      const started = performance.now();
      const connection = call.getPeer();
      const finish = (outcome: AttestationOutcome, fields: Record<string, unknown>): void => {
        const seconds = (performance.now() - started) / 1_000;
        deps.metrics.record(outcome, seconds);
        deps.logger.debug({ connection, outcome, duration_ms: Math.round(seconds * 1e6) / 1e3, ...fields }, 'workload endpoint: caller attested');
      };

      const peer = deps.peerOf(connection);
      if (peer === undefined) {
        finish('denied', { reason: 'unknown connection' });
        throw new ApiError('permission_denied', 'the connection of this call is not known (it may have closed)');
      }
      // Not `pid`: the logger writes the agent's own pid under that name.
      const { pid: peer_pid, uid: peer_uid } = peer.credentials;
      const results = await Promise.allSettled(deps.attestors.map((a) => a.attest(peer, signal)));
      if (signal?.aborted === true) {
        finish('error', { peer_pid, peer_uid, reason: 'cancelled' });
        throw signal.reason;
      }
      const failure = firstFailure(results, deps.attestors);
      if (failure !== undefined) {
        const outcome = failure.apiCode === 'permission_denied' ? 'denied' : 'error';
        finish(outcome, { peer_pid, peer_uid, reason: failure.message });
        throw failure;
      }
      const selectors: Selector[] = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      if (!peer.isSameProcess()) {
        finish('denied', { peer_pid, peer_uid, reason: 'process gone' });
        throw new ApiError('permission_denied', 'the calling process is gone; its pid may have been reused');
      }
      finish('ok', { peer_pid, peer_uid, selectors: selectors.length });
      return { peer, selectors };
    },
  };
}

function firstFailure(results: readonly PromiseSettledResult<Selector[]>[], attestors: readonly WorkloadAttestor[]): ApiError | undefined {
  const errors = results.flatMap((r, i) => {
    if (r.status === 'fulfilled') return [];
    if (r.reason instanceof ApiError) return [r.reason];
    const type = attestors[i]?.type ?? '?';
    return [new ApiError('unavailable', `the ${type} workload attestor failed: ${String((r.reason as Error)?.message ?? r.reason)}`, { cause: r.reason })];
  });
  return errors.find((e) => e.apiCode === 'permission_denied') ?? errors[0];
}
