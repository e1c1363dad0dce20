/**
 * Batch item outcomes on the wire: `ItemStatus` with the gRPC code, the caller-safe message and
 * the field at fault, decided by the platform's one status map. Internal failures are logged
 * with their cause (the caller sees only "internal error").
 * @module
 */
import { toGrpcStatus, type Logger } from '@signet/platform';
import type { ItemOutcome } from '../../internal/item-outcome.js';
import type { ItemStatus__Output } from '../wire.js';

/** The status of a successful item. */
export const OK_STATUS: ItemStatus__Output = Object.freeze({ code: 0, message: '', field: '' });

/** The status of `outcome`; internal errors are logged on `logger` with `what` (e.g. `entries[3]`). */
export function itemStatus(outcome: ItemOutcome<unknown>, logger: Pick<Logger, 'error'>, what: string): ItemStatus__Output {
  if (outcome.ok) return OK_STATUS;
  const { code, details, error } = toGrpcStatus(outcome.error);
  if (error.internal) logger.error({ err: outcome.error, item: what }, 'batch item failed');
  return { code, message: details, field: error.field ?? '' };
}
