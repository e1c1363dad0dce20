/**
 * The gRPC transport every Signet service uses: protos, the server (Unix and SPIFFE-mTLS
 * listeners, policy, audit, tracing, metrics), clients, and test helpers.
 * @module
 */
export { PROTO_FILES, PROTO_LOADER_OPTIONS, protoDirectory, signetProtos } from './protos.js';
export type {
  AttestationClient,
  AttestationDefinition,
  CAClient,
  CADefinition,
  ClientOf,
  RegistrarClient,
  RegistrarDefinition,
  SignetGrpcObject,
  SignetProtos,
  SpiffeWorkloadAPIClient,
  SpiffeWorkloadAPIDefinition,
} from './protos.js';
export { createGrpcServer } from './server.js';
export type { GrpcServer, GrpcServerOptions, TcpListenOptions } from './server.js';
export type { ListenAddress, ServerSurfaceCall } from './listener.js';
export type { UnixListenOptions } from './unix-listener.js';
export type { ServerTlsOptions } from './tls-listener.js';
export { ADMIN_SOCKET_MODE, listenUnixSocket, removeUnixSocket, type UnixSocketFile } from './unix-socket.js';
export { authorize } from './policy.js';
export { isAudited, writeAudit } from './audit.js';
export type { AuditRecord, CallOutcomeCode } from './audit.js';
export { invoke } from './invoke.js';
export type { CallOutcome, Invocation, InvokeDeps, ResolvedCaller } from './invoke.js';
export { CallAbort } from './call-abort.js';
export type { AbortKind } from './call-abort.js';
export { createRpcMetrics } from './metrics.js';
export type { RpcMetrics } from './metrics.js';
export { extractTraceContext, metadataGetter, metadataSetter, traceContextInterceptor } from './trace-context.js';
export { FIELD_TRAILER, RETRY_AFTER_TRAILER, apiErrorFromGrpc, grpcStatusFor } from './status.js';
export { createGrpcClient, isUnixTarget } from './client.js';
export type { GrpcClientOptions } from './client.js';
export { streamMessages, unaryCall } from './client-calls.js';
export { X509BundleHolder, X509SvidHolder } from './tls/sources.js';
export type { PeerClassifier, PeerRole, X509BundleSource, X509SvidSource } from './tls/sources.js';
export { spiffeChannelCredentials } from './tls/client-credentials.js';
export type { SpiffeClientTlsOptions } from './tls/client-credentials.js';
export { RotatingServerContext } from './tls/server-context.js';
export type { TlsCredentialSources } from './tls/server-context.js';
export { VerifiedPeer, verifyTlsPeer } from './tls/verified-peer.js';
export type { PeerVerdict } from './tls/verified-peer.js';
export { peerChainOf } from './tls/peer-chain.js';
export { createTestSpiffeTls, startTestGrpcServer } from './testing.js';
export type { TestGrpcServer, TestGrpcServerOptions, TestSpiffeTls } from './testing.js';
