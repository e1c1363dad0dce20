/**
 * Renewing an agent's SVID: the caller is an agent authenticated by the transport with its
 * current SVID; it must be attested and not banned, and (when the transport reports it) the
 * SVID it presented must be one on record.
 *
 * Rotation: when the presented serial is known, the presented SVID becomes the current one and
 * the new SVID is recorded as the one being rotated in (`newCertSerial`), so both work until
 * the agent next renews with the new one. Without it, the new SVID simply replaces the old.
 * @module
 */
import { appendEvent, getNode, updateNode, type AttestedNode } from '@signet/datastore';
import { ApiError, type Caller } from '@signet/platform';
import { outcomeOf } from '../telemetry.js';
import { checkAgentActive } from './admission.js';
import { checkCsr } from './attest-agent.js';
import { type AgentLifecycleDeps, NodeEvents } from './deps.js';
import type { SignedAgentSvid } from './svid-signer.js';

/** Options of {@link renewAgent}. */
export interface RenewAgentOptions {
  /** Serial (lower-case hex) of the SVID the agent authenticated with, when the transport knows it. */
  readonly presentedSerial?: string;
}

/**
 * Issues a new SVID to the calling agent. `permission_denied` unless the caller is an
 * attested, unbanned agent presenting an SVID on record; `invalid_argument` for a bad CSR.
 *
 * @example
 * ```ts
 * const svid = await renewAgent(deps, ctx.caller, request.csr);
 * ```
 */
export async function renewAgent(deps: AgentLifecycleDeps, caller: Caller, csr: Uint8Array, options: RenewAgentOptions = {}): Promise<SignedAgentSvid> {
  try {
    const svid = await renew(deps, caller, csr, options);
    deps.metrics.renewal('success');
    return svid;
  } catch (err) {
    deps.metrics.renewal(outcomeOf(err));
    throw err;
  }
}

async function renew(deps: AgentLifecycleDeps, caller: Caller, csr: Uint8Array, options: RenewAgentOptions): Promise<SignedAgentSvid> {
  if (caller.kind !== 'agent') throw new ApiError('permission_denied', 'only an agent may renew an agent SVID');
  const agentId = caller.spiffeId;
  checkCsr(csr, 'csr');
  checkPresented(agentId, checkAgentActive(agentId, await getNode(deps.db, agentId)), options.presentedSerial);
  const svid = await deps.signer.signAgentX509Svid({ csr, spiffeId: agentId, ttlSeconds: deps.agentSvidTtlSeconds });
  const now = deps.clock.now();
  const updated = await deps.db.transaction(async (tx) => {
    const node = checkAgentActive(agentId, await getNode(tx, agentId));
    const presented = options.presentedSerial;
    checkPresented(agentId, node, presented);
    const changes =
      presented === undefined
        ? { certSerial: svid.serial, certNotAfter: svid.expiresAt, newCertSerial: null, newCertNotAfter: null }
        : {
            certSerial: presented,
            certNotAfter: presented === node.certSerial ? node.certNotAfter : node.newCertNotAfter,
            newCertSerial: svid.serial,
            newCertNotAfter: svid.expiresAt,
          };
    const renewed = await updateNode(tx, agentId, changes, now);
    await appendEvent(tx, { kind: NodeEvents.updated, subject: agentId, payload: { reason: 'renewed' } }, now);
    return renewed;
  });
  deps.onNodeChanged?.(agentId, updated);
  deps.logger.info({ agent_id: agentId, svid_serial: svid.serial }, 'agent SVID renewed');
  return svid;
}

function checkPresented(agentId: string, node: AttestedNode, presented: string | undefined): void {
  if (presented === undefined) return;
  if (presented !== node.certSerial && presented !== node.newCertSerial) {
    throw new ApiError('permission_denied', `agent ${JSON.stringify(agentId)} presented an SVID (serial ${presented}) that is not its current one`);
  }
}
