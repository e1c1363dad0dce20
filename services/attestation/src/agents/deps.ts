/**
 * The dependencies of the agent lifecycle (attest, renew) and the event kinds it appends.
 * @module
 */
import { type AttestedNode, EventKinds, type Db } from '@signet/datastore';
import type { Clock, Logger } from '@signet/platform';
import type { TrustDomain } from '@signet/spiffe';
import type { NodeAttestor } from '../attestors/attestor.js';
import type { AttestationMetrics } from '../telemetry.js';
import type { AgentSvidSigner } from './svid-signer.js';

/** What attesting and renewing agents need. */
export interface AgentLifecycleDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly trustDomain: TrustDomain;
  readonly signer: AgentSvidSigner;
  /** Enabled attestors by attestation type. */
  readonly attestors: ReadonlyMap<string, NodeAttestor>;
  /** Lifetime requested for agent SVIDs, in seconds. */
  readonly agentSvidTtlSeconds: number;
  readonly metrics: AttestationMetrics;
  readonly logger: Logger;
  /** Told about each node record this process committed (write-through to the agent registry). */
  readonly onNodeChanged?: NodeObserver;
}

/** Receives a node record after a committed change (`undefined`: the record is gone). */
export type NodeObserver = (spiffeId: string, node: AttestedNode | undefined) => void;

/** Event kinds appended for agents (subject: the agent's SPIFFE ID). */
export const NodeEvents = {
  attested: EventKinds.nodeAttested,
  updated: EventKinds.nodeUpdated,
  selectorsChanged: EventKinds.nodeSelectorsChanged,
  banned: EventKinds.nodeBanned,
  evicted: EventKinds.nodeEvicted,
  unbanned: 'node.unbanned',
} as const;

/** Whether `kind` is one of {@link NodeEvents}. */
export function isNodeEvent(kind: string): boolean {
  return kind.startsWith('node.');
}
