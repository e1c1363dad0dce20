/**
 * The Envoy SDS v3 server of the Signet agent: `envoy.service.secret.v3.SecretDiscoveryService`
 * with `StreamSecrets` (SotW), `DeltaSecrets` (incremental) and `FetchSecrets`, to be added to
 * the agent's workload endpoint.
 * @module
 */
import type { ServerDuplexStream, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { systemClock, type Clock, type Logger } from '@signet/platform';
import type { WorkloadViews } from '../domain/view.js';
import type { CallerAttestation } from '../endpoint/types.js';
import { resolveSdsConfig, type ResolvedSdsConfig, type SdsConfig } from './config.js';
import { DeltaSession } from './delta-session.js';
import { nextNonce } from './digest.js';
import { fetchSecretsHandler } from './fetch.js';
import { SdsHub } from './hub.js';
import type { DeltaDiscoveryRequestMessage, DiscoveryRequestMessage } from './messages.js';
import { sdsProtos, type SdsProtos } from './protos.js';
import { encodeSotwResponseTransient, SotwWireMessage } from './response-wire.js';
import { RotationGate } from './rotation-gate.js';
import { SotwSession } from './sotw-session.js';
import type { StreamSession, StreamSessionDeps } from './stream-session.js';
import { SdsTelemetry, type SdsNackRecord } from './telemetry.js';

/** What the SDS server needs. */
export interface SdsServiceDeps {
  /** Attests the caller of each stream (at its first request) and of each FetchSecrets call. */
  readonly attestation: CallerAttestation;
  /** The workloads' views (SVIDs and bundles). */
  readonly views: WorkloadViews;
  readonly logger: Logger;
  readonly config: SdsConfig;
  /** Time and timers (the CA-rotation timeout); default the system clock. */
  readonly clock?: Clock;
  /** Default `metrics.getMeter('signet-agent')`. */
  readonly meter?: Meter;
  /** Default `trace.getTracer('signet-agent')`. */
  readonly tracer?: Tracer;
  /** Nonce generator; default 64 random bits as hex. Must be unique per stream. */
  readonly newNonce?: () => string;
}

/** Counts of what the server holds, for diagnosis and tests. */
export interface SdsStats {
  readonly streams: { readonly sotw: number; readonly delta: number };
  /** Workload view groups, hence open view watches. */
  readonly groups: number;
  /** Bundle pushes the CA-rotation gate waits for. */
  readonly gateUnsettled: number;
}

/** The SDS service, ready for `server.addService(definition, implementation)`. */
export interface SdsService {
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
  /** The configuration in effect (defaults applied). */
  readonly config: ResolvedSdsConfig;
  /** The most recent NACKs (secret names, stream id, error, time), oldest first. */
  lastNacks(): readonly SdsNackRecord[];
  stats(): SdsStats;
  /** Ends every open stream with UNAVAILABLE and releases every watch and timer. */
  close(): void;
}

/**
 * Creates the SDS server. Protos are loaded on the first call (and cached).
 *
 * @example
 * ```ts
 * const sds = createSdsService({ attestation: endpoint, views: cache, logger, config: { bundleFirstTimeoutMs: 2000 } });
 * endpoint.addService(sds.definition, sds.implementation);
 * ```
 */
export function createSdsService(deps: SdsServiceDeps): SdsService {
  const config = resolveSdsConfig(deps.config);
  const protos = sdsProtos();
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger.child({ component: 'sds' });
  const tracer = deps.tracer ?? trace.getTracer('signet-agent');
  const telemetry = new SdsTelemetry(deps.meter ?? metrics.getMeter('signet-agent'), config.nackHistory);
  const newNonce = deps.newNonce ?? nextNonce;
  const gate = new RotationGate(clock, config.bundleFirstTimeoutMs, (unsettled) =>
    logger.info({ unsettled }, 'CA rotation: SVID pushes released after the bundle-first timeout'),
  );
  const hub = new SdsHub({ views: deps.views, config, gate, clock, tracer, logger });
  const sessions = new Map<string, StreamSession<object, never, never>>();
  const counts = { sotw: 0, delta: 0 };
  let nextId = 0;
  let closed = false;

  const sessionDeps: StreamSessionDeps = {
    hub,
    gate,
    attestation: deps.attestation,
    telemetry,
    logger,
    clock,
    config,
    onClosed: (session) => {
      const s = sessions.get(session.id);
      if (s === undefined) return;
      sessions.delete(session.id);
      counts[s.api]--;
    },
  };

  const open = (session: SotwSession | DeltaSession): void => {
    if (closed) {
      session.shutdown(GrpcStatus.UNAVAILABLE, 'the SDS server is shutting down');
      return;
    }
    sessions.set(session.id, session as unknown as StreamSession<object, never, never>);
    counts[session.api]++;
    session.start();
  };

  const implementation: UntypedServiceImplementation = {
    StreamSecrets: (call: ServerDuplexStream<DiscoveryRequestMessage, object>) => {
      open(new SotwSession(`sotw-${++nextId}`, call, sessionDeps, newNonce));
    },
    DeltaSecrets: (call: ServerDuplexStream<DeltaDiscoveryRequestMessage, object>) => {
      open(new DeltaSession(`delta-${++nextId}`, call, sessionDeps, newNonce));
    },
    FetchSecrets: fetchSecretsHandler({ hub, attestation: deps.attestation, config, logger, tracer }),
  };

  return {
    definition: serverDefinition(protos.service, protos),
    implementation,
    config,
    lastNacks: () => telemetry.lastNacks(),
    stats: () => ({ streams: { ...counts }, groups: hub.groups, gateUnsettled: gate.unsettled }),
    close() {
      if (closed) return;
      closed = true;
      for (const session of [...sessions.values()]) session.shutdown(GrpcStatus.UNAVAILABLE, 'the SDS server is shutting down');
      sessions.clear();
      gate.close();
      hub.close();
    },
  };
}

/**
 * The SDS service definition as the server registers it, for `StreamSecrets` (the hot path: one
 * ACK per response on every stream):
 * - requests are decoded to protobufjs messages without the conversion to plain objects (unset
 *   fields read as their proto3 defaults from the message prototype, which is all
 *   `readSotwRequest` and the node checks need);
 * - a stream writes its response as a `SotwWireMessage`, which the serializer encodes straight
 *   off the resources' wire bytes into a reused buffer that grpc-js copies into the framed message
 *   at once (`encodeSotwResponseTransient`); anything else is serialized by the proto definition.
 */
function serverDefinition(service: ServiceDefinition, protos: SdsProtos): ServiceDefinition {
  const stream = service['StreamSecrets'];
  if (stream === undefined) throw new Error('the SDS definition has no StreamSecrets method');
  const serialize = stream.responseSerialize;
  const request = protos.DiscoveryRequestRawNode;
  return {
    ...service,
    StreamSecrets: {
      ...stream,
      requestDeserialize: (bytes: Buffer): unknown => request.decode(bytes),
      responseSerialize: (value: unknown): Buffer =>
        value instanceof SotwWireMessage ? encodeSotwResponseTransient(value.response) : serialize(value),
    },
  };
}
