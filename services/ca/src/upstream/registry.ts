/**
 * The upstream authority chosen by config.
 * @module
 */
import { DiskUpstreamAuthority } from './disk.js';
import type { UpstreamAuthority } from './upstream.js';

/** Names accepted in `ca.upstream.type`. */
export const UPSTREAM_TYPES = ['self-signed', 'disk'] as const;

/** The upstream part of the `ca` config section. */
export interface UpstreamConfig {
  readonly type: (typeof UPSTREAM_TYPES)[number];
  readonly disk?: { readonly cert_file: string; readonly key_file: string; readonly bundle_file?: string | undefined } | undefined;
}

/**
 * The configured upstream authority, checked; `undefined` for `self-signed` (each authority is
 * its own root).
 *
 * @example
 * ```ts
 * const upstream = await createUpstreamAuthority(config.ca.upstream);
 * ```
 */
export async function createUpstreamAuthority(config: UpstreamConfig): Promise<UpstreamAuthority | undefined> {
  if (config.type === 'self-signed') return undefined;
  if (config.disk === undefined) throw new TypeError('ca.upstream.disk is required when ca.upstream.type is "disk"');
  const upstream = new DiskUpstreamAuthority({
    certFile: config.disk.cert_file,
    keyFile: config.disk.key_file,
    bundleFile: config.disk.bundle_file,
  });
  await upstream.check();
  return upstream;
}
