/**
 * The SPIFFE Workload API (X.509-SVID and JWT-SVID profiles) on the agent's workload endpoint.
 *
 * - Every call needs the `workload.spiffe.io: true` metadata (InvalidArgument otherwise) and is
 *   attested from the peer credentials of its connection.
 * - A caller with no identity gets PermissionDenied; one whose entries exist but whose SVIDs are
 *   still being issued waits for them (up to `pendingTimeoutMs`).
 * - Streams send the complete state first, then again on every change that alters what the
 *   caller receives, and never otherwise (identical content is not resent). A stream whose
 *   caller loses every identity ends with PermissionDenied.
 * - The WIT-SVID profile is not implemented: its RPCs answer Unimplemented.
 * @module
 */
import { status as GrpcStatus, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { ApiError, grpcStatusFor, signetProtos, type Clock, type Logger } from '@signet/platform';
import { JwtBundleSet, parseAndValidateJwtSvid, SpiffeError, SpiffeId } from '@signet/spiffe';
import { uniqueHints } from '../domain/hints.js';
import type { IdentityCache } from '../cache/identity-cache.js';
import type { JwtSvidCache } from '../cache/jwt-cache.js';
import type { CallerAttestation } from '../endpoint/types.js';
import type { WorkloadView } from '../domain/view.js';
import { jwtBundleOf, jwtBundlesResponse, protoStruct, trustDomainId, x509BundlesResponse, x509SvidResponse } from './messages.js';
import { requireSecurityHeader } from './security-header.js';
import type { WorkloadApiMetrics } from './metrics.js';

/** What the Workload API needs. */
export interface WorkloadApiDeps {
  readonly attestation: CallerAttestation;
  readonly cache: IdentityCache;
  readonly jwt: JwtSvidCache;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: WorkloadApiMetrics;
  /** How long a caller whose SVIDs are being issued waits before PermissionDenied, ms (default 30 s). */
  readonly pendingTimeoutMs?: number;
}

type StreamKind = 'FetchX509SVID' | 'FetchX509Bundles' | 'FetchJWTBundles';

const tracer = trace.getTracer('signet-agent');

/** The service definition and implementation, to add to the workload endpoint. */
export function createWorkloadApiService(deps: WorkloadApiDeps): { definition: ReturnType<typeof signetProtos>['workload']; implementation: UntypedServiceImplementation } {
  const definition = signetProtos().workload;
  const serializers: Record<StreamKind, (m: unknown) => Buffer> = {
    FetchX509SVID: definition.FetchX509SVID.responseSerialize as (m: unknown) => Buffer,
    FetchX509Bundles: definition.FetchX509Bundles.responseSerialize as (m: unknown) => Buffer,
    FetchJWTBundles: definition.FetchJWTBundles.responseSerialize as (m: unknown) => Buffer,
  };
  const stream = (kind: StreamKind, build: (view: WorkloadView) => unknown, ready: (view: WorkloadView) => boolean) => (call: ServerWritableStream<unknown, unknown>) =>
    void serveStream(deps, kind, call, build, ready, serializers[kind]);

  const implementation: UntypedServiceImplementation = {
    FetchX509SVID: stream('FetchX509SVID', x509SvidResponse, (v) => v.svids.length > 0 && v.bundle !== undefined),
    FetchX509Bundles: stream('FetchX509Bundles', x509BundlesResponse, (v) => v.bundle !== undefined),
    FetchJWTBundles: stream('FetchJWTBundles', jwtBundlesResponse, (v) => v.bundle !== undefined),
    FetchJWTSVID: (call: ServerUnaryCall<{ audience: string[]; spiffe_id: string }, unknown>, callback: sendUnaryData<unknown>) =>
      void unary(deps, 'FetchJWTSVID', call, callback, () => fetchJwtSvid(deps, call)),
    ValidateJWTSVID: (call: ServerUnaryCall<{ audience: string; svid: string }, unknown>, callback: sendUnaryData<unknown>) =>
      void unary(deps, 'ValidateJWTSVID', call, callback, () => validateJwtSvid(deps, call)),
  };
  return { definition, implementation };
}

async function unary<Req>(
  deps: WorkloadApiDeps,
  method: string,
  call: ServerUnaryCall<Req, unknown>,
  callback: sendUnaryData<unknown>,
  body: () => Promise<unknown>,
): Promise<void> {
  try {
    callback(null, await body());
    deps.metrics.call(method, 'ok');
  } catch (err) {
    const status = grpcStatusFor(err);
    deps.metrics.call(method, GrpcStatus[status.code] ?? String(status.code));
    logFailure(deps.logger, method, err);
    callback(status);
  }
}

async function fetchJwtSvid(deps: WorkloadApiDeps, call: ServerUnaryCall<{ audience: string[]; spiffe_id: string }, unknown>): Promise<unknown> {
  requireSecurityHeader(call.metadata);
  const audience = call.request.audience.filter((a) => a !== '');
  if (audience.length === 0) throw ApiError.invalid('audience', 'at least one audience is required');
  if (call.request.spiffe_id !== '') {
    try {
      SpiffeId.parse(call.request.spiffe_id);
    } catch (err) {
      throw ApiError.invalid('spiffe_id', err instanceof Error ? err.message : 'not a SPIFFE ID');
    }
  }
  const caller = await deps.attestation.attestCaller(call);
  await waitForSync(deps);
  let entries = deps.cache.matchingEntries(caller.selectors);
  if (call.request.spiffe_id !== '') entries = entries.filter((e) => e.spiffeId === call.request.spiffe_id);
  if (entries.length === 0) {
    throw new ApiError('permission_denied', call.request.spiffe_id !== '' ? `no identity issued for ${call.request.spiffe_id}` : 'no identity issued');
  }
  const seen = new Set<string>();
  const unique = entries.filter((e) => !seen.has(e.spiffeId) && seen.add(e.spiffeId));
  // Hints are decided in entry order, before any minting completes.
  const hintOf = uniqueHints();
  const hints = unique.map((entry) => hintOf(entry.hint));
  const svids = await Promise.all(
    unique.map(async (entry, i) => {
      const minted = await deps.jwt.get(entry, audience);
      return { spiffe_id: entry.spiffeId, svid: minted.token, hint: hints[i]! };
    }),
  );
  return { svids };
}

async function validateJwtSvid(deps: WorkloadApiDeps, call: ServerUnaryCall<{ audience: string; svid: string }, unknown>): Promise<unknown> {
  requireSecurityHeader(call.metadata);
  if (call.request.audience === '') throw ApiError.invalid('audience', 'the audience is required');
  if (call.request.svid === '') throw ApiError.invalid('svid', 'the JWT-SVID to validate is required');
  await deps.attestation.attestCaller(call);
  const set = new JwtBundleSet();
  for (const b of deps.cache.bundles().values()) set.add(jwtBundleOf(b));
  try {
    const svid = parseAndValidateJwtSvid(call.request.svid, set, { audience: call.request.audience, now: deps.clock.now() });
    return { spiffe_id: svid.id.toString(), claims: protoStruct(svid.claims) };
  } catch (err) {
    if (err instanceof SpiffeError) throw ApiError.invalid('svid', err.message);
    throw err;
  }
}

/** Waits for the first snapshot of authorized entries (a just-started agent). */
async function waitForSync(deps: WorkloadApiDeps): Promise<void> {
  if (deps.cache.synced) return;
  const limit = deps.clock.nowMs() + (deps.pendingTimeoutMs ?? 30_000);
  while (!deps.cache.synced) {
    if (deps.clock.nowMs() >= limit) throw new ApiError('unavailable', 'the agent has not received its entries from the control plane yet');
    await deps.clock.sleep(50);
  }
}

async function serveStream(
  deps: WorkloadApiDeps,
  kind: StreamKind,
  call: ServerWritableStream<unknown, unknown>,
  build: (view: WorkloadView) => unknown,
  ready: (view: WorkloadView) => boolean,
  serialize: (m: unknown) => Buffer,
): Promise<void> {
  const started = performance.now();
  let closeWatch: (() => void) | undefined;
  let cancelTimer: (() => void) | undefined;
  let ended = false;
  const end = (err?: unknown): void => {
    if (ended) return;
    ended = true;
    closeWatch?.();
    cancelTimer?.();
    deps.metrics.streamClosed(kind);
    if (call.cancelled || call.destroyed) return;
    if (err === undefined) {
      call.end();
      return;
    }
    logFailure(deps.logger, kind, err);
    deps.metrics.call(kind, GrpcStatus[grpcStatusFor(err).code] ?? 'error');
    call.emit('error', grpcStatusFor(err));
  };
  deps.metrics.streamOpened(kind);
  call.on('cancelled', () => end());
  try {
    requireSecurityHeader(call.metadata);
    const caller = await deps.attestation.attestCaller(call);
    if (ended) return;
    await waitForSync(deps);
    if (ended) return;
    if (deps.cache.matchingEntries(caller.selectors).length === 0) throw new ApiError('permission_denied', 'no identity issued');

    let last: Buffer | undefined;
    let queued: unknown;
    let blocked = false;
    let waiting = true;
    const send = (view: WorkloadView): void => {
      if (ended) return;
      if (!ready(view)) {
        if (!waiting && deps.cache.matchingEntries(caller.selectors).length === 0) end(new ApiError('permission_denied', 'no identity issued'));
        return;
      }
      const message = build(view);
      const bytes = serialize(message);
      if (last !== undefined && bytes.equals(last)) return;
      if (waiting) {
        waiting = false;
        cancelTimer?.();
        deps.metrics.firstResponse(kind, (performance.now() - started) / 1000);
      }
      last = bytes;
      if (blocked) {
        queued = message;
        return;
      }
      write(message);
    };
    // When the client reads slowly, only the latest state waits to be written.
    const write = (message: unknown): void => {
      deps.metrics.response(kind);
      // A span per push, in the trace of the change that caused it when there is one.
      tracer.startSpan(`workload_api.push ${kind}`).end();
      if (call.write(message)) return;
      blocked = true;
      call.once('drain', () => {
        blocked = false;
        const next = queued;
        queued = undefined;
        if (next !== undefined && !ended) write(next);
      });
    };
    const watch = deps.cache.watch(caller.selectors, (view) => {
      // A view without SVIDs is either pending issuance or the end of the caller's identities.
      if (view.svids.length === 0 && deps.cache.matchingEntries(caller.selectors).length === 0) {
        end(new ApiError('permission_denied', 'no identity issued'));
        return;
      }
      send(view);
    });
    closeWatch = () => watch.close();
    send(watch.current());
    if (waiting) {
      cancelTimer = deps.clock.setTimeout(
        () => end(new ApiError('permission_denied', 'no identity issued: the SVIDs of this workload could not be issued in time')),
        deps.pendingTimeoutMs ?? 30_000,
      );
    }
  } catch (err) {
    end(err);
  }
}

function logFailure(logger: Logger, method: string, err: unknown): void {
  const status = grpcStatusFor(err);
  const level = status.code === GrpcStatus.INTERNAL ? 'error' : 'debug';
  logger[level]({ method, code: GrpcStatus[status.code], reason: status.details }, 'workload api: call refused');
}

export { trustDomainId };
