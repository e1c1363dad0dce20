/**
 * Whether a SPIFFE ID presented by a peer belongs to a current agent: attested, not banned,
 * and (when the presented SVID's serial is known) presenting an SVID on record. The transport
 * uses it to decide whether an mTLS caller is an `agent`.
 * @module
 */
import { getNode, type Queryable } from '@signet/datastore';
import { agentState } from './agent.js';

/** The verdict on a peer. */
export type PeerClassification =
  | { readonly agent: true; readonly spiffeId: string; readonly attestationType: string }
  | { readonly agent: false; readonly reason: 'unknown' | 'banned' | 'evicted' | 'superseded_svid' };

/** Checks a peer ID (and optionally the serial of the SVID it presented). */
export type ClassifyPeer = (spiffeId: string, presentedSerial?: string) => Promise<PeerClassification>;

/**
 * Creates {@link ClassifyPeer} over the node records.
 *
 * @example
 * ```ts
 * const verdict = await classifyPeer('spiffe://example.org/spire/agent/join_token/…', leafSerialHex);
 * if (verdict.agent) caller = { kind: 'agent', via: 'mtls', spiffeId: verdict.spiffeId };
 * ```
 */
export function createClassifyPeer(db: Queryable): ClassifyPeer {
  return async (spiffeId, presentedSerial) => {
    const node = await getNode(db, spiffeId);
    if (node === undefined) return { agent: false, reason: 'unknown' };
    const state = agentState(node);
    if (state !== 'attested') return { agent: false, reason: state };
    if (presentedSerial !== undefined && presentedSerial !== node.certSerial && presentedSerial !== node.newCertSerial) {
      return { agent: false, reason: 'superseded_svid' };
    }
    return { agent: true, spiffeId: node.spiffeId, attestationType: node.attestationType };
  };
}
