/**
 * The health of a federation relationship from the fetcher's status and the held bundle.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FederationStatus } from '@signet/datastore';
import { DEFAULT_REFRESH_HINT_SECONDS, federationHealth } from './federation-health.js';

const T0 = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const relationship = { createdAt: T0 };

function status(overrides: Partial<FederationStatus>): FederationStatus {
  return {
    trustDomain: 'partner.example',
    lastAttemptAt: undefined,
    lastSuccessAt: undefined,
    lastError: undefined,
    sequenceNumber: undefined,
    refreshHintSeconds: undefined,
    refreshIntervalSeconds: undefined,
    nextRefreshAt: undefined,
    updatedAt: T0,
    ...overrides,
  };
}

describe('federationHealth', () => {
  const cases: [string, Parameters<typeof federationHealth>[0], { age: number; stale: boolean; sequence: bigint; error?: string }][] = [
    ['nothing fetched, no bundle, just created', { relationship, status: undefined, bundle: undefined, now: at(10) }, { age: -1, stale: false, sequence: 0n }],
    ['nothing fetched, no bundle, past twice the default hint', { relationship, status: undefined, bundle: undefined, now: at(2 * DEFAULT_REFRESH_HINT_SECONDS + 1) }, { age: -1, stale: true, sequence: 0n }],
    [
      'a bootstrap bundle, never fetched',
      { relationship, status: undefined, bundle: { document: { keys: [], spiffe_sequence: 12 }, updatedAt: at(100), source: 'federated' }, now: at(400) },
      { age: 300, stale: false, sequence: 12n },
    ],
    [
      'a fetch within twice the hint',
      { relationship, status: status({ lastAttemptAt: at(0), lastSuccessAt: at(0), sequenceNumber: 3n, refreshHintSeconds: 60 }), bundle: undefined, now: at(120) },
      { age: 120, stale: false, sequence: 3n },
    ],
    [
      'a failed attempt after a fetch too long ago',
      { relationship, status: status({ lastAttemptAt: at(200), lastSuccessAt: at(0), lastError: 'timeout', sequenceNumber: 3n, refreshHintSeconds: 60 }), bundle: undefined, now: at(121) },
      { age: 121, stale: true, sequence: 3n, error: 'timeout' },
    ],
    [
      'a 10 s hint polled every 30 s (bounded by the fetcher): not stale 25 s after a fetch',
      { relationship, status: status({ lastAttemptAt: at(0), lastSuccessAt: at(0), refreshHintSeconds: 10, refreshIntervalSeconds: 30 }), bundle: undefined, now: at(25) },
      { age: 25, stale: false, sequence: 0n },
    ],
    [
      'a 1-day hint polled every hour (bounded by the fetcher): stale after two hours without a fetch',
      { relationship, status: status({ lastAttemptAt: at(7201), lastSuccessAt: at(0), refreshHintSeconds: 86_400, refreshIntervalSeconds: 3600 }), bundle: undefined, now: at(7201) },
      { age: 7201, stale: true, sequence: 0n },
    ],
    [
      'failures only, with the bootstrap bundle',
      { relationship, status: status({ lastAttemptAt: at(5), lastError: 'refused' }), bundle: { document: { keys: [] }, updatedAt: at(0), source: 'manual' }, now: at(30) },
      { age: 30, stale: false, sequence: 0n, error: 'refused' },
    ],
    [
      'a zero hint counts as unknown',
      { relationship, status: status({ lastSuccessAt: at(0), refreshHintSeconds: 0 }), bundle: undefined, now: at(2 * DEFAULT_REFRESH_HINT_SECONDS) },
      { age: 600, stale: false, sequence: 0n },
    ],
    ['a local bundle is never the held one', { relationship, status: undefined, bundle: { document: { keys: [] }, updatedAt: at(0), source: 'local' }, now: at(5) }, { age: -1, stale: false, sequence: 0n }],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const health = federationHealth(input);
      assert.deepEqual(
        { age: health.bundleAgeSeconds, stale: health.stale, sequence: health.sequenceNumber, error: health.lastError },
        { error: '', ...expected },
      );
    });
  }
});
