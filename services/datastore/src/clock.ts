/**
 * The time source used by the datastore for values it stamps itself
 * (migration `applied_at`). Repositories take `now: Date` explicitly.
 *
 * @example
 * ```ts
 * const fixed: Clock = { now: () => new Date('2030-01-01T00:00:00Z') };
 * ```
 * @module
 */

/** Something that tells the current time. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };
