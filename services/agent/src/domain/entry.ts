/**
 * A registration entry as the agent holds it: what the control plane's push stream delivers.
 * @module
 */
import type { Selector } from './selectors.js';

/** One authorized registration entry. */
export interface AgentEntry {
  readonly id: string;
  readonly spiffeId: string;
  readonly parentId: string;
  readonly selectors: readonly Selector[];
  /** Seconds; 0 means the CA's default. */
  readonly x509SvidTtl: number;
  /** Seconds; 0 means the CA's default. */
  readonly jwtSvidTtl: number;
  readonly dnsNames: readonly string[];
  /** Trust domain names (without scheme). */
  readonly federatesWith: readonly string[];
  readonly hint: string;
  readonly admin: boolean;
  readonly downstream: boolean;
  /** Unix seconds; 0 means never. */
  readonly expiresAt: number;
  readonly revision: number;
  /** Unix seconds. */
  readonly createdAt: number;
}

/** Whether two entries would yield the same X.509-SVID (same ID, DNS names and TTL). */
export function sameX509Identity(a: AgentEntry, b: AgentEntry): boolean {
  return a.spiffeId === b.spiffeId && a.x509SvidTtl === b.x509SvidTtl && sameList(a.dnsNames, b.dnsNames);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The order in which a workload's SVIDs are listed (the first is its default): oldest entry first, then by id. */
export function compareEntries(a: AgentEntry, b: AgentEntry): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
