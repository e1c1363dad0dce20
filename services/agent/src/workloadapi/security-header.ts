/**
 * The Workload Endpoint's SSRF guard: every request carries the gRPC metadata
 * `workload.spiffe.io: true` (case sensitive), or is refused with InvalidArgument
 * (SPIFFE Workload Endpoint §2.1, §6).
 * @module
 */
import type { Metadata } from '@grpc/grpc-js';
import { ApiError } from '@signet/platform';

/** The metadata key. */
export const WORKLOAD_HEADER = 'workload.spiffe.io';

/** Throws `invalid_argument` unless `metadata` has `workload.spiffe.io: true` exactly. */
export function requireSecurityHeader(metadata: Metadata): void {
  const values = metadata.get(WORKLOAD_HEADER);
  if (values.length === 1 && values[0] === 'true') return;
  throw new ApiError(
    'invalid_argument',
    values.length === 0
      ? `security header missing from request: the gRPC metadata "${WORKLOAD_HEADER}: true" is required`
      : `security header "${WORKLOAD_HEADER}" must be exactly "true"`,
    { field: WORKLOAD_HEADER },
  );
}
