/**
 * Who is calling the REST admin API: admin on the Unix socket; on TCP, the mTLS peer verified
 * when its connection opened, classified by the composition root.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ApiError } from '../api/api-error.js';
import type { Caller } from '../api/caller.js';
import type { Clock } from '../clock.js';
import type { ResolvedCaller } from '../grpc/invoke.js';
import type { PeerClassifier, X509BundleSource } from '../grpc/tls/sources.js';
import type { PeerVerdict } from '../grpc/tls/verified-peer.js';

const callers = new WeakMap<IncomingMessage, ResolvedCaller>();

/** The caller the admin server established for `request` (`undefined` before its `onRequest` hook ran). */
export function callerOf(request: { readonly raw: IncomingMessage }): Caller | undefined {
  return callers.get(request.raw)?.caller;
}

/** Records the caller of a request. */
export function setCaller(raw: IncomingMessage, resolved: ResolvedCaller): void {
  callers.set(raw, resolved);
}

/** The caller recorded for a request, with any authentication problem. */
export function resolvedCallerOf(raw: IncomingMessage): ResolvedCaller | undefined {
  return callers.get(raw);
}

/** What is needed to turn a TLS connection's verdict into a caller. */
export interface MtlsCallerDeps {
  readonly bundleSource: X509BundleSource;
  readonly clock: Clock;
  readonly classifyPeer: PeerClassifier;
}

/**
 * The caller of a request on an mTLS connection, or the `unauthenticated` error to answer when
 * the peer proved no identity (no certificate, a rejected one, or one that has expired or lost
 * its trust since). A verified peer the classifier does not know is anonymous with its SPIFFE ID;
 * the method's allow list then answers 403.
 */
export function mtlsCaller(socket: TLSSocket, verdict: PeerVerdict | undefined, deps: MtlsCallerDeps): ResolvedCaller | ApiError {
  const address = socket.remoteAddress === undefined ? undefined : `${socket.remoteAddress}:${socket.remotePort ?? 0}`;
  if (verdict === undefined || verdict.kind === 'none') {
    return new ApiError('unauthenticated', 'a client certificate (X.509-SVID) is required');
  }
  if (verdict.kind === 'rejected') return new ApiError('unauthenticated', `the client certificate was rejected: ${verdict.reason}`);
  const problem = verdict.peer.problem(deps.bundleSource, deps.clock.now());
  if (problem !== undefined) return new ApiError('unauthenticated', problem);
  const spiffeId = verdict.peer.id.toString();
  const role = deps.classifyPeer(verdict.peer.id);
  if (role === undefined) return { caller: { kind: 'anonymous', via: 'tcp', spiffeId, ...(address === undefined ? {} : { address }) } };
  return { caller: { kind: role, via: 'mtls', spiffeId } };
}
