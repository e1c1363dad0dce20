/**
 * Rendering of config key paths for messages and for the `sources` map.
 * @module
 */
import type { Path } from './schema/index.js';

const PLAIN_SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Renders a key path as written in messages: `telemetry.otlp.endpoint`, `list[2]`,
 * `telemetry.resource_attributes["service.namespace"]`; the empty path is `(root)`.
 *
 * @example
 * ```ts
 * formatPath(['health', 'port']);            // 'health.port'
 * formatPath(['tags', 0]);                   // 'tags[0]'
 * formatPath(['attrs', 'service.version']);  // 'attrs["service.version"]'
 * ```
 */
export function formatPath(path: Path): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_SEGMENT.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** A map key identifying a path exactly (segments may contain dots). */
export function pathKey(path: Path): string {
  return path.map(String).join('\u0000');
}
