/**
 * An in-memory view of every agent's standing (attested or not, and its SVID serials), so
 * the transport can classify an mTLS peer on every call without a database round trip.
 * Loaded at start, kept current by the change feed (node events, from every replica), and
 * written through by this process's own attestations, renewals and admin actions so that an
 * agent may use its new SVID the moment it receives it.
 * @module
 */
import { type AttestedNode, listNodes, type Queryable } from '@signet/datastore';
import type { SpiffeId } from '@signet/spiffe';
import { agentState } from './agent.js';

interface Standing {
  readonly active: boolean;
  readonly serials: readonly (string | null)[];
}

/** Agents' standing by SPIFFE ID. */
export class AgentRegistry {
  readonly #agents = new Map<string, Standing>();

  /** Number of agents known (any state). */
  get size(): number {
    return this.#agents.size;
  }

  /** Replaces the contents with every node record. */
  async load(db: Queryable): Promise<void> {
    this.#agents.clear();
    let pageToken: string | undefined;
    do {
      const page = await listNodes(db, {}, { pageSize: 1_000, pageToken });
      for (const node of page.items) this.update(node.spiffeId, node);
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
  }

  /** Records the node as now stored (`undefined`: no record). */
  update(spiffeId: string, node: AttestedNode | undefined): void {
    if (node === undefined) {
      this.#agents.delete(spiffeId);
      return;
    }
    this.#agents.set(spiffeId, { active: agentState(node) === 'attested', serials: [node.certSerial, node.newCertSerial] });
  }

  /** Whether `spiffeId` is an attested, unbanned agent (and, when given, presents an SVID on record). */
  isCurrentAgent(spiffeId: string, presentedSerial?: string): boolean {
    const standing = this.#agents.get(spiffeId);
    if (standing === undefined || !standing.active) return false;
    return presentedSerial === undefined || standing.serials.includes(presentedSerial);
  }

  /** A transport peer classifier: `'agent'` for current agents, otherwise `undefined`. */
  readonly classify = (id: SpiffeId): 'agent' | undefined => (this.isCurrentAgent(id.toString()) ? 'agent' : undefined);
}
