/**
 * The `signet.attestation.v1.Attestation` service: thin handlers that validate the request,
 * call the agent lifecycle or the sync session, and encode the result.
 *
 * | Method | Callers | Shape |
 * | --- | --- | --- |
 * | `AttestAgent` | anonymous (or an agent re-attesting) | bidi: params, then challenge/response rounds, then the result |
 * | `RenewAgent` | agent | unary |
 * | `SyncAuthorized` | agent | server stream |
 * @module
 */
import { ApiError, bidiStream, type CallContext, type Clock, serverStream, type ServiceImpl, unary } from '@signet/platform';
import type { ChallengeFn } from '../../../attestors/attestor.js';
import { attestAgent } from '../../../agents/attest-agent.js';
import type { AgentLifecycleDeps } from '../../../agents/deps.js';
import { renewAgent } from '../../../agents/renew-agent.js';
import { bundleSnapshot } from '../../../sync/bundle-store.js';
import { runSyncSession, type SyncSessionDeps } from '../../../sync/sync-session.js';
import { bundleToWire, bytesOf, parseRevision, selectorToWire, syncMessageToWire, toBuffer } from '../../convert.js';
import type {
  AttestAgentRequest,
  AttestAgentResponse,
  RenewAgentRequest,
  RenewAgentResponse,
  SyncAuthorizedRequest,
  SyncAuthorizedResponse,
} from '../../wire.js';

/** Dependencies of {@link attestationService}. */
export interface AttestationServiceDeps {
  readonly lifecycle: AgentLifecycleDeps;
  readonly sync: SyncSessionDeps;
  readonly clock: Clock;
  /** How long a node may take to answer a challenge, ms. */
  readonly challengeTimeoutMs: number;
  /** Whether the service has started (handlers answer `unavailable` before). */
  readonly ready: () => boolean;
  /** The serial of the SVID the calling agent presented, when the transport exposes it. */
  readonly presentedSerialOf?: (ctx: CallContext) => string | undefined;
}

/**
 * Builds the service implementation for the transport.
 *
 * @example
 * ```ts
 * const impl = attestationService(deps);
 * await impl['RenewAgent']!.handler({ csr }, ctx);
 * ```
 */
export function attestationService(deps: AttestationServiceDeps): ServiceImpl {
  const checkReady = () => {
    if (!deps.ready()) throw new ApiError('unavailable', 'the attestation service is not started yet');
  };
  return {
    AttestAgent: bidiStream<AttestAgentRequest, AttestAgentResponse>(['anonymous', 'agent'], async (requests, ctx, send) => {
      checkReady();
      const messages = requests[Symbol.asyncIterator]();
      const first = await messages.next();
      const params = first.done ? undefined : first.value.params;
      if (params === undefined || params === null || first.value?.step !== 'params') {
        throw ApiError.invalid('params', 'the first message must carry the attestation params');
      }
      const challenge: ChallengeFn = async (bytes) => {
        await send({ challenge: toBuffer(bytes) });
        const reply = await withTimeout(messages.next(), deps.clock, deps.challengeTimeoutMs, ctx.signal);
        if (reply.done) throw ApiError.invalid('challenge_response', 'the stream ended before the challenge was answered');
        if (reply.value.step !== 'challenge_response') throw ApiError.invalid('challenge_response', 'expected the answer to the challenge');
        return bytesOf(reply.value.challenge_response);
      };
      const result = await attestAgent(
        deps.lifecycle,
        { attestationType: params.attestation_type ?? '', payload: bytesOf(params.payload), csr: bytesOf(params.csr), signal: ctx.signal },
        challenge,
      );
      ctx.audit({ agent_id: result.agentId.toString(), attestation_type: params.attestation_type, svid_serial: result.serial });
      await send({
        result: {
          spiffe_id: result.agentId.toString(),
          svid_chain: result.svidChain.map(toBuffer),
          bundle: bundleToWire(bundleSnapshot(result.bundle)),
          selectors: result.selectors.map(selectorToWire),
        },
      });
    }),

    RenewAgent: unary<RenewAgentRequest, RenewAgentResponse>(['agent'], async (request, ctx) => {
      checkReady();
      const presentedSerial = deps.presentedSerialOf?.(ctx);
      const svid = await renewAgent(deps.lifecycle, ctx.caller, bytesOf(request.csr), presentedSerial === undefined ? {} : { presentedSerial });
      ctx.audit({ svid_serial: svid.serial });
      return { svid_chain: svid.certChain.map(toBuffer) };
    }),

    SyncAuthorized: serverStream<SyncAuthorizedRequest, SyncAuthorizedResponse>(['agent'], async (request, ctx, send) => {
      checkReady();
      if (ctx.caller.kind !== 'agent') throw new ApiError('permission_denied', 'only an agent may sync its authorized entries');
      const fromRevision = parseRevision(request.from_revision, 'from_revision');
      await runSyncSession(deps.sync, { agentId: ctx.caller.spiffeId, fromRevision, signal: ctx.signal }, (message) =>
        send(syncMessageToWire(message)),
      );
    }),
  };
}

/** Resolves with `promise`, or rejects with `deadline_exceeded` after `ms` (on `clock`) or when `signal` aborts. */
function withTimeout<T>(promise: Promise<T>, clock: Clock, ms: number, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => finish(() => reject(new ApiError('unavailable', 'challenge_response: the call was cancelled')));
    const cancel = clock.setTimeout(
      () => finish(() => reject(new ApiError('deadline_exceeded', `challenge_response: not received within ${Math.round(ms / 1000)} s`))),
      ms,
    );
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      cancel();
      signal.removeEventListener('abort', onAbort);
      settle();
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      (err: unknown) => finish(() => reject(err)),
    );
  });
}
