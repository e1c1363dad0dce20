/**
 * Agents on the wire (`signet.types.v1.Agent`).
 * @module
 */
import type { AgentRecord } from '../../agents/agent-admin.js';
import { unixSeconds } from '../../internal/int64.js';
import type { Agent__Output } from '../wire.js';

/** An agent on the wire. */
export function agentToProto(agent: AgentRecord): Agent__Output {
  return {
    spiffe_id: agent.spiffeId,
    attestation_type: agent.attestationType,
    selectors: agent.selectors.map((s) => ({ type: s.type, value: s.value })),
    x509_svid_serial: agent.x509SvidSerial ?? '',
    x509_svid_expires_at: unixSeconds(agent.x509SvidExpiresAt),
    banned: agent.banned,
    attested: agent.attested,
    created_at: unixSeconds(agent.createdAt),
    updated_at: unixSeconds(agent.updatedAt),
  };
}
