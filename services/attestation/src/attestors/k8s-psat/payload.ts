/**
 * The k8s_psat payload: JSON `{ "cluster": "<configured cluster name>", "token": "<PSAT>" }`.
 * @module
 */
import { ApiError } from '@signet/platform';

/** A decoded k8s_psat payload. */
export interface K8sPsatPayload {
  readonly cluster: string;
  /** The projected service-account token (a secret: never logged nor echoed). */
  readonly token: string;
}

/**
 * Encodes a payload: what an agent sends.
 *
 * @example
 * ```ts
 * const payload = encodeK8sPsatPayload({ cluster: 'prod', token: await readFile(tokenPath, 'utf8') });
 * ```
 */
export function encodeK8sPsatPayload(payload: K8sPsatPayload): Uint8Array {
  return Buffer.from(JSON.stringify({ cluster: payload.cluster, token: payload.token }), 'utf8');
}

/** Decodes a payload; `invalid_argument` naming `params.payload.*` when malformed. */
export function decodeK8sPsatPayload(payload: Uint8Array): K8sPsatPayload {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw ApiError.invalid('params.payload', 'expected a JSON object {"cluster": "...", "token": "..."}');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw ApiError.invalid('params.payload', 'expected a JSON object {"cluster": "...", "token": "..."}');
  }
  const { cluster, token } = doc as Record<string, unknown>;
  if (typeof cluster !== 'string' || cluster === '') throw ApiError.invalid('params.payload.cluster', 'a cluster name is required');
  if (typeof token !== 'string' || token === '') throw ApiError.invalid('params.payload.token', 'a service account token is required');
  return { cluster, token: token.trim() };
}
