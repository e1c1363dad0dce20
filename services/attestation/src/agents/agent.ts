/**
 * An agent as administrators and the API see it: the attested node record with its
 * selectors and a derived state.
 *
 * States, from the record:
 * - `banned`: the `banned` flag is set (its SVID serials were cleared); refused until unbanned.
 * - `attested`: not banned, and an SVID serial is on record.
 * - `evicted`: not banned, and no SVID serial on record (an admin evicted it, or it was
 *   unbanned); it must attest again.
 * @module
 */
import type { AttestedNode, Selector } from '@signet/datastore';

/** The state of an agent. */
export type AgentState = 'attested' | 'evicted' | 'banned';

/** An agent. */
export interface Agent {
  readonly spiffeId: string;
  readonly attestationType: string;
  readonly selectors: readonly Selector[];
  /** Serial (lower-case hex) of the SVID the agent uses; null when evicted or banned. */
  readonly x509SvidSerial: string | null;
  readonly x509SvidExpiresAt: Date | null;
  readonly banned: boolean;
  /** False once evicted (or banned) until the agent attests again. */
  readonly attested: boolean;
  readonly canReattest: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The state of a node record. */
export function agentState(node: AttestedNode): AgentState {
  if (node.banned) return 'banned';
  return node.certSerial !== null || node.newCertSerial !== null ? 'attested' : 'evicted';
}

/** Builds the API view of a node record and its selectors. */
export function agentFromNode(node: AttestedNode, selectors: readonly Selector[]): Agent {
  const serial = node.certSerial ?? node.newCertSerial;
  return {
    spiffeId: node.spiffeId,
    attestationType: node.attestationType,
    selectors,
    x509SvidSerial: serial,
    x509SvidExpiresAt: node.certSerial !== null ? node.certNotAfter : node.newCertNotAfter,
    banned: node.banned,
    attested: agentState(node) === 'attested',
    canReattest: node.canReattest,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
  };
}
