/**
 * Counting attested nodes by state for the agent gauges: one aggregate over `attested_nodes`.
 *
 * This is the registrar's only SQL. It belongs in `@signet/datastore` (as a `countNodes`
 * repository function next to `listNodes`) and should move there.
 * @module
 */
import type { Queryable } from '@signet/datastore';
import type { AgentState } from './agent-admin.js';

/** How many agents are in each state. */
export type AgentCounts = Readonly<Record<AgentState, number>>;

/** Agents by state: banned; attested (an SVID serial on record); evicted (neither). */
export async function countNodesByState(q: Queryable): Promise<AgentCounts> {
  const { rows } = await q.query<AgentCounts>(
    `SELECT count(*) FILTER (WHERE banned)::int AS banned,
            count(*) FILTER (WHERE NOT banned AND (cert_serial IS NOT NULL OR new_cert_serial IS NOT NULL))::int AS attested,
            count(*) FILTER (WHERE NOT banned AND cert_serial IS NULL AND new_cert_serial IS NULL)::int AS evicted
       FROM attested_nodes`,
  );
  return rows[0] ?? { attested: 0, evicted: 0, banned: 0 };
}
