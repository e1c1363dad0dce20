/**
 * When authorities rotate: the pure decision at the heart of the authority manager.
 *
 * Each kind (X.509 CA, JWT key) rotates on its own, through two slots: the active authority
 * signs; the next one is **prepared** (created and published in the bundle, not yet signing)
 * once half of the active one's life has passed, and **activated** when a sixth of the active
 * one's life remains. The previous active one becomes **old** and stays in the bundle until it
 * expires, since nothing it signed outlives it. Times are measured on the active authority's own
 * validity (`notBefore`..`notAfter`), so a CA shortened by its upstream rotates earlier.
 *
 * @example
 * ```ts
 * const step = nextRotationStep(authoritiesOfKind, clock.now());
 * // undefined | { type: 'prepare' } | { type: 'activate', id } | { type: 'prepare-and-activate' }
 * ```
 * @module
 */
import type { Authority } from '@signet/datastore';

/** A validity period. */
export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** What the manager should do next for one kind. */
export type RotationStep =
  /** Create the next authority and publish it (not signing yet). */
  | { readonly type: 'prepare' }
  /** Make the prepared authority `id` the signing one; the active one becomes old. */
  | { readonly type: 'activate'; readonly id: string }
  /** There is no usable active authority and nothing prepared: create one and activate it at once. */
  | { readonly type: 'prepare-and-activate' };

/** When the next authority should be prepared: half-way through `active`'s life (epoch ms). */
export function preparationTime(active: Validity): number {
  const from = active.notBefore.getTime();
  return from + (active.notAfter.getTime() - from) / 2;
}

/** When the prepared authority should be activated: when a sixth of `active`'s life remains (epoch ms). */
export function activationTime(active: Validity): number {
  const to = active.notAfter.getTime();
  return to - (to - active.notBefore.getTime()) / 6;
}

/**
 * The next step for the authorities of one kind at `now`, or `undefined` when nothing is due.
 * Revoked authorities are ignored. Call again after applying a step: activating may make another
 * step due (an expired prepared authority is activated, then replaced at once).
 */
export function nextRotationStep(authorities: readonly Authority[], now: Date): RotationStep | undefined {
  const t = now.getTime();
  const active = authorities.find((a) => a.state === 'active');
  const prepared = authorities.find((a) => a.state === 'prepared');
  if (active === undefined || t >= active.notAfter.getTime()) {
    return prepared === undefined ? { type: 'prepare-and-activate' } : { type: 'activate', id: prepared.id };
  }
  if (t < activationTime(active)) {
    return prepared === undefined && t >= preparationTime(active) ? { type: 'prepare' } : undefined;
  }
  return prepared === undefined ? { type: 'prepare-and-activate' } : { type: 'activate', id: prepared.id };
}

/** The authorities whose keys are no longer needed at `now`: revoked, or expired and neither active nor prepared. */
export function retiredAuthorities(authorities: readonly Authority[], now: Date): Authority[] {
  const t = now.getTime();
  return authorities.filter(
    (a) => a.state === 'revoked' || (a.state !== 'active' && a.state !== 'prepared' && a.notAfter.getTime() <= t),
  );
}

/** Whether an authority belongs in the trust bundle at `now`: not revoked and not expired. */
export function isPublished(authority: Authority, now: Date): boolean {
  return authority.state !== 'revoked' && authority.notAfter.getTime() > now.getTime();
}
