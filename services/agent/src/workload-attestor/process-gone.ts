/**
 * What attestors say when the process they attest is no longer there.
 * @module
 */
import { ApiError } from '@signet/platform';

/** Whether `err` from reading `/proc/<pid>/…` means the process no longer exists. */
export function isProcessGoneError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/** The error of an attestation whose process exited before it was attested. */
export function processGone(cause?: unknown): ApiError {
  return new ApiError('permission_denied', 'the calling process exited before it could be attested', { cause });
}
