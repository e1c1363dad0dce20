/**
 * When a fetcher polls next (pure functions of the config, the remote's hint and the failures).
 *
 * - After a success, every refresh interval: the bundle's `spiffe_refresh_hint` (SPIFFE
 *   Federation §4.1: clients SHOULD poll at that frequency), or `default_refresh_interval` (5 min,
 *   as §4.1 recommends) when it has none, bounded to [`min_refresh_interval`,
 *   `max_refresh_interval`] so a remote can neither make us poll it every second nor stop us
 *   polling for days.
 * - After the n-th consecutive failure, an exponential backoff: `min_refresh_interval · 2^(n−1)`,
 *   capped at the refresh interval (§6.2: retry at the next polling interval rather than
 *   aggressively), less up to a quarter of random jitter (so replicas and relationships that
 *   failed together spread out), never below `min_refresh_interval` nor above the interval.
 * @module
 */

/** The schedule settings (ms). */
export interface RefreshBounds {
  readonly minRefreshMs: number;
  readonly maxRefreshMs: number;
  readonly defaultRefreshMs: number;
}

/** The polling interval for a bundle with `refreshHintSeconds` (or none), ms. */
export function refreshIntervalMs(refreshHintSeconds: number | undefined, bounds: RefreshBounds): number {
  const wanted = refreshHintSeconds === undefined ? bounds.defaultRefreshMs : refreshHintSeconds * 1000;
  return Math.min(bounds.maxRefreshMs, Math.max(bounds.minRefreshMs, wanted));
}

/**
 * The delay before the next attempt after `failures` (≥ 1) consecutive failures, ms.
 * `random` returns a number in [0, 1) (`Math.random` by default).
 */
export function backoffMs(failures: number, intervalMs: number, bounds: RefreshBounds, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const base = Math.min(intervalMs, bounds.minRefreshMs * 2 ** exponent);
  const jittered = base - base * 0.25 * random();
  return Math.round(Math.min(intervalMs, Math.max(bounds.minRefreshMs, jittered)));
}
