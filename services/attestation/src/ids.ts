/**
 * The SPIFFE IDs the attestation service hands out and recognises: the server's own ID (the
 * parent of node-alias entries) and agent IDs under `/spire/agent/<attestor>/…`.
 * @module
 */
import { SpiffeId, type TrustDomain } from '@signet/spiffe';

/** Path of the server's SPIFFE ID; entries parented by it are node aliases. */
export const SERVER_ID_PATH = '/spire/server';

/** Path prefix of agent IDs minted by the built-in attestors. */
export const AGENT_ID_PREFIX = '/spire/agent';

/**
 * The server's SPIFFE ID in `td`: `spiffe://<td>/spire/server`.
 *
 * @example
 * ```ts
 * serverIdOf(TrustDomain.parse('example.org')).toString(); // 'spiffe://example.org/spire/server'
 * ```
 */
export function serverIdOf(td: TrustDomain): SpiffeId {
  return SpiffeId.fromPath(td, SERVER_ID_PATH);
}

/**
 * An agent ID `spiffe://<td>/spire/agent/<attestor>/<segment>/…`. Each segment is validated
 * as a SPIFFE path segment, so untrusted values (a node name from a token) cannot add path
 * levels or dot segments. Throws `SpiffeIdInvalidError` naming the rule broken.
 *
 * @example
 * ```ts
 * agentIdFor(td, 'k8s_psat', 'prod', 'node-1').toString(); // 'spiffe://example.org/spire/agent/k8s_psat/prod/node-1'
 * ```
 */
export function agentIdFor(td: TrustDomain, attestor: string, ...segments: string[]): SpiffeId {
  return SpiffeId.fromSegments(td, 'spire', 'agent', attestor, ...segments);
}
