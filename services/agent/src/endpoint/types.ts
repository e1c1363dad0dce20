/**
 * The agent's workload endpoint: one Unix socket (`<data dir>/agent.sock`) on which Envoy (SDS)
 * and every program (SPIFFE Workload API) connect. Each connection's peer is identified by the
 * kernel's credentials of the socket, and each call is attested from them.
 * @module
 */
import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { ServerSurfaceCall } from '@signet/platform';
import type { Selector } from '../domain/selectors.js';
import type { WorkloadPeer } from '../peer/types.js';

/** The attested caller of one call. */
export interface WorkloadCaller {
  readonly peer: WorkloadPeer;
  /** Every selector the attestors produced, across types. */
  readonly selectors: readonly Selector[];
}

/** Attests the caller of a call arriving on the workload endpoint. */
export interface CallerAttestation {
  /**
   * The selectors of the process that made `call`'s connection. Runs every attestor, then checks
   * that the process is still the one that connected. Throws `ApiError('permission_denied')`
   * when the peer is unknown or gone, `ApiError('unavailable')` when an attestor cannot work.
   */
  attestCaller(call: ServerSurfaceCall, signal?: AbortSignal): Promise<WorkloadCaller>;
}

/** The listening workload endpoint. */
export interface WorkloadEndpoint extends CallerAttestation {
  /** The socket path. */
  readonly path: string;
  /** Adds a gRPC service; before `listen()`. */
  addService(definition: ServiceDefinition, implementation: UntypedServiceImplementation): void;
  /** Starts listening (the socket file gets mode 0o777: any local process may ask who it is). */
  listen(): Promise<void>;
  /** Stops accepting, ends open calls, removes the socket file. */
  close(): Promise<void>;
}
