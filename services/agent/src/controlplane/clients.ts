/**
 * gRPC clients of the control plane (attestation and CA services at the server address), over
 * SPIFFE mTLS with the agent's current SVID. After the agent SVID is renewed, new clients are
 * made so that new connections present it; the old ones close after a grace period that lets
 * calls in flight finish.
 * @module
 */
import { createGrpcClient, signetProtos, type AttestationClient, type CAClient, type Clock, type X509BundleSource, type X509SvidSource } from '@signet/platform';
import { matchId, type SpiffeId, type TrustDomain } from '@signet/spiffe';

/** Options of {@link ControlPlaneClients}. */
export interface ControlPlaneClientsOptions {
  /** `host:port` of the server's agent endpoint (attestation, and the CA unless `caAddress` is set). */
  readonly address: string;
  /** `host:port` of the CA when it runs apart from attestation (standalone `signet ca`). */
  readonly caAddress?: string;
  readonly serverId: SpiffeId;
  readonly trustDomain: TrustDomain;
  readonly svidSource: X509SvidSource;
  readonly bundleSource: X509BundleSource;
  readonly clock: Clock;
  /** How long replaced clients stay open, ms (default 30 s). */
  readonly graceMs?: number;
}

interface Generation {
  readonly attestation: AttestationClient;
  readonly ca: CAClient;
}

/** The agent's clients of the control plane. */
export class ControlPlaneClients {
  readonly #o: ControlPlaneClientsOptions;
  #current: Generation | undefined;
  readonly #retiring = new Set<() => void>();
  #closed = false;

  constructor(options: ControlPlaneClientsOptions) {
    this.#o = options;
  }

  /** The attestation service, as the agent (mTLS). */
  attestation(): AttestationClient {
    return this.#generation().attestation;
  }

  /** The CA service, as the agent (mTLS). */
  ca(): CAClient {
    return this.#generation().ca;
  }

  /** A client for attesting: server-authenticated TLS, no client certificate. Close it after use. */
  anonymousAttestation(): AttestationClient {
    const protos = signetProtos();
    return createGrpcClient(protos.attestation, this.#o.address, {
      bundleSource: this.#o.bundleSource,
      expectedServerId: matchId(this.#o.serverId),
      trustDomain: this.#o.trustDomain,
      clock: this.#o.clock,
    });
  }

  /** Makes new clients for the next calls (the agent SVID changed); the old ones close later. */
  rotate(): void {
    const old = this.#current;
    this.#current = undefined;
    if (old === undefined) return;
    const close = (): void => {
      this.#retiring.delete(cancelAndClose);
      old.attestation.close();
      old.ca.close();
    };
    const cancel = this.#o.clock.setTimeout(close, this.#o.graceMs ?? 30_000);
    const cancelAndClose = (): void => {
      cancel();
      close();
    };
    this.#retiring.add(cancelAndClose);
  }

  /** Closes every client. */
  close(): void {
    this.#closed = true;
    for (const c of [...this.#retiring]) c();
    if (this.#current !== undefined) {
      this.#current.attestation.close();
      this.#current.ca.close();
      this.#current = undefined;
    }
  }

  #generation(): Generation {
    if (this.#closed) throw new Error('the control-plane clients are closed');
    if (this.#current === undefined) {
      const protos = signetProtos();
      const options = {
        svidSource: this.#o.svidSource,
        bundleSource: this.#o.bundleSource,
        expectedServerId: matchId(this.#o.serverId),
        clock: this.#o.clock,
        channelOptions: { 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000, 'grpc.max_receive_message_length': 32 * 1024 * 1024 },
      };
      this.#current = { attestation: createGrpcClient(protos.attestation, this.#o.address, options), ca: createGrpcClient(protos.ca, this.#o.caAddress ?? this.#o.address, options) };
    }
    return this.#current;
  }
}
