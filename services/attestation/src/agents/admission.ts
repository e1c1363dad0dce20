/**
 * Whether an agent whose node record is `node` may attest (again) or renew. Shared by the
 * check before signing and the re-check inside the recording transaction.
 * @module
 */
import type { AttestedNode } from '@signet/datastore';
import { ApiError } from '@signet/platform';
import { agentState } from './agent.js';

/** Refuses the attestation of `agentId` when its record is banned, or attested by a method that cannot re-attest. */
export function checkAttestationAdmission(agentId: string, node: AttestedNode | undefined): void {
  if (node === undefined) return;
  const state = agentState(node);
  if (state === 'banned') {
    throw new ApiError('permission_denied', `agent ${JSON.stringify(agentId)} is banned; an administrator must unban it before it can attest`);
  }
  if (state === 'attested' && !node.canReattest) {
    throw new ApiError(
      'permission_denied',
      `agent ${JSON.stringify(agentId)} is already attested and attestation type ${JSON.stringify(node.attestationType)} cannot re-attest; an administrator must evict it first`,
    );
  }
}

/** Refuses the renewal (or any agent call) of `agentId` unless it is attested and not banned. */
export function checkAgentActive(agentId: string, node: AttestedNode | undefined): AttestedNode {
  if (node === undefined) throw new ApiError('permission_denied', `agent ${JSON.stringify(agentId)} is not attested`);
  const state = agentState(node);
  if (state === 'banned') throw new ApiError('permission_denied', `agent ${JSON.stringify(agentId)} is banned`);
  if (state === 'evicted') throw new ApiError('permission_denied', `agent ${JSON.stringify(agentId)} was evicted; it must attest again`);
  return node;
}
