/**
 * Builders of entries, bundles and sync messages for the agent's tests.
 * @module
 */
import { captureLogs, createLogger, type Logger } from '@signet/platform';
import type { TestCa } from '@signet/spiffe/testing';
import type { AgentEntry } from '../domain/entry.js';
import type { SyncUpdate } from '../domain/sync-update.js';
import type { TrustBundle } from '../domain/view.js';

let counter = 0;

/** An entry with defaults (`unix:uid:1000`, parent the agent, created in order). */
export function testEntry(fields: Partial<AgentEntry> & { spiffeId: string }): AgentEntry {
  counter++;
  return {
    id: `entry-${counter}`,
    parentId: 'spiffe://example.org/spire/agent/node-1',
    selectors: [{ type: 'unix', value: 'uid:1000' }],
    x509SvidTtl: 0,
    jwtSvidTtl: 0,
    dnsNames: [],
    federatesWith: [],
    hint: '',
    admin: false,
    downstream: false,
    expiresAt: 0,
    revision: 1,
    createdAt: 1_700_000_000 + counter,
    ...fields,
  };
}

/** The bundle of a TestCa's trust domain holding its root (and any extra roots). */
export function testBundle(ca: TestCa, extraRoots: readonly Uint8Array[] = [], sequence = 1n): TrustBundle {
  return {
    trustDomain: ca.trustDomain.name,
    x509Authorities: [ca.root.certificate, ...extraRoots],
    jwtAuthorities: [],
    sequence,
    refreshHint: 0,
  };
}

/** A one-message snapshot. */
export function snapshot(revision: number, entries: readonly AgentEntry[], bundles: readonly TrustBundle[]): SyncUpdate {
  return { revision, snapshot: true, snapshotDone: true, upserts: entries, removals: [], bundles, removedBundles: [] };
}

/** A change message. */
export function change(revision: number, fields: Partial<Omit<SyncUpdate, 'revision' | 'snapshot' | 'snapshotDone'>>): SyncUpdate {
  return { revision, snapshot: false, snapshotDone: false, upserts: [], removals: [], bundles: [], removedBundles: [], ...fields };
}

/** Resolves after pending setImmediate callbacks (the cache's coalesced notifications) ran. */
export function flushImmediates(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** A logger whose lines go to a capture (errors only). */
export function quietLogger(): Logger {
  return createLogger({ level: 'error', service: 'agent-test', destination: captureLogs().stream });
}
