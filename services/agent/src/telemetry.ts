/**
 * The agent's own metrics: cache size, SVIDs held, the shortest time to expiry among served
 * SVIDs, JWT-SVIDs cached, the control-plane connection state, and SVID issuance batches.
 * @module
 */
import type { Meter } from '@opentelemetry/api';
import type { Clock } from '@signet/platform';
import type { IdentityCache } from './cache/identity-cache.js';
import type { JwtSvidCache } from './cache/jwt-cache.js';
import type { ConnectionState } from './controlplane/sync-follower.js';

const STATES: readonly ConnectionState[] = ['connected', 'connecting', 'disconnected'];

/** The agent's metrics on `meter`. */
export function agentMetrics(meter: Meter) {
  const issued = meter.createCounter('signet.agent.svids_issued', { description: 'X.509-SVIDs issued for workloads' });
  const failed = meter.createCounter('signet.agent.svid_issue_failures', { description: 'X.509-SVID requests the CA refused or that failed' });
  const batchTime = meter.createHistogram('signet.agent.svid_batch.duration', { description: 'Time to have a batch of CSRs signed', unit: 's' });
  return {
    svidBatch(outcome: { issued: number; failed: number; seconds: number }): void {
      issued.add(outcome.issued);
      if (outcome.failed > 0) failed.add(outcome.failed);
      batchTime.record(outcome.seconds);
    },
    observe(sources: { cache: IdentityCache; jwt: JwtSvidCache; connection: () => ConnectionState; clock: Clock }): void {
      const entries = meter.createObservableGauge('signet.agent.cache.entries', { description: 'Authorized registration entries held' });
      const svids = meter.createObservableGauge('signet.agent.cache.x509_svids', { description: 'X.509-SVIDs held' });
      const jwts = meter.createObservableGauge('signet.agent.cache.jwt_svids', { description: 'JWT-SVIDs cached' });
      const ttl = meter.createObservableGauge('signet.agent.svid.min_ttl', { description: 'Shortest time to expiry among served X.509-SVIDs', unit: 's' });
      const state = meter.createObservableGauge('signet.agent.control_plane.connected', { description: '1 for the current control-plane connection state' });
      const revision = meter.createObservableGauge('signet.agent.sync.revision', { description: 'Last applied revision of the authorized-entries stream' });
      meter.addBatchObservableCallback(
        (r) => {
          r.observe(entries, sources.cache.entryCount);
          r.observe(svids, sources.cache.svidCount);
          r.observe(jwts, sources.jwt.size);
          const min = sources.cache.shortestTtlSeconds(sources.clock.nowMs());
          if (min !== undefined) r.observe(ttl, min);
          const current = sources.connection();
          for (const s of STATES) r.observe(state, s === current ? 1 : 0, { state: s });
          r.observe(revision, sources.cache.revision);
        },
        [entries, svids, jwts, ttl, state, revision],
      );
    },
  };
}
