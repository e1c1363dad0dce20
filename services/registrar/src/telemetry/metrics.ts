/**
 * The registrar's gauges: how many registration entries exist, and how many agents are attested
 * evicted or banned. The counts are computed with cheap aggregate queries on a timer (not on every
 * scrape, so a busy Prometheus cannot load the database) and reported by observable gauges:
 * - `signet.registrar.entries` (`{entry}`);
 * - `signet.registrar.agents` (`{agent}`), attribute `state`: `attested`, `evicted` or `banned`.
 *
 * @example
 * ```ts
 * const metrics = startRegistrarMetrics({ meter, countEntries: () => countEntries(db), countAgents: () => countNodesByState(db), clock, intervalMs: 30_000, logger });
 * await metrics.refresh();
 * await metrics.close();
 * ```
 * @module
 */
import type { Meter } from '@opentelemetry/api';
import type { Clock, Logger } from '@signet/platform';
import type { AgentCounts } from '../agents/node-counts.js';

/** Options of {@link startRegistrarMetrics}. */
export interface RegistrarMetricsOptions {
  readonly meter: Meter;
  readonly countEntries: () => Promise<number>;
  readonly countAgents: () => Promise<AgentCounts>;
  readonly clock: Pick<Clock, 'setInterval'>;
  /** How often the counts are recomputed, in milliseconds. */
  readonly intervalMs: number;
  readonly logger: Pick<Logger, 'warn'>;
}

/** Running gauges. */
export interface RegistrarMetrics {
  /** Recomputes the counts now. */
  refresh(): Promise<void>;
  /** Stops the timer and the gauges' callbacks; resolves once a running count has finished. */
  close(): Promise<void>;
}

/** Registers the gauges and starts recomputing them (once now, then every `intervalMs`). */
export function startRegistrarMetrics(options: RegistrarMetricsOptions): RegistrarMetrics {
  let entries: number | undefined;
  let agents: AgentCounts | undefined;
  let running: Promise<void> | undefined;
  const entriesGauge = options.meter.createObservableGauge('signet.registrar.entries', {
    description: 'Registration entries stored',
    unit: '{entry}',
  });
  const agentsGauge = options.meter.createObservableGauge('signet.registrar.agents', {
    description: 'Agents by state (attested, evicted, banned)',
    unit: '{agent}',
  });
  const observeEntries = (result: { observe(value: number): void }): void => {
    if (entries !== undefined) result.observe(entries);
  };
  const observeAgents = (result: { observe(value: number, attributes: { state: string }): void }): void => {
    if (agents === undefined) return;
    for (const [state, count] of Object.entries(agents)) result.observe(count, { state });
  };
  entriesGauge.addCallback(observeEntries);
  agentsGauge.addCallback(observeAgents);
  const refresh = (): Promise<void> => {
    running ??= (async () => {
      try {
        [entries, agents] = await Promise.all([options.countEntries(), options.countAgents()]);
      } catch (err) {
        options.logger.warn({ err }, 'registrar gauges: counting entries and agents failed');
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const cancel = options.clock.setInterval(() => void refresh(), options.intervalMs);
  void refresh();
  return {
    refresh,
    async close() {
      cancel();
      entriesGauge.removeCallback(observeEntries);
      agentsGauge.removeCallback(observeAgents);
      await running;
    },
  };
}
