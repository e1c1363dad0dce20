/**
 * `@signet/agent`: the node agent. It attests its node, follows the entries the node may serve,
 * keeps their SVIDs issued (keys made here, never sent away) and serves them to workloads over
 * the SPIFFE Workload API and to Envoy over SDS v3, on one Unix socket whose callers are
 * identified by the kernel's peer credentials.
 *
 * @example
 * ```ts
 * const agent = await startAgent({ trustDomain: 'example.org', dataDir, config: config.agent, logger });
 * await agent.ready();
 * // workloads connect to agent.socketPath
 * ```
 * @module
 */
export { startAgent, nodeAttestorFrom, workloadAttestorsFrom } from './app.js';
export type { AgentApp, AgentOptions } from './app.js';
export { agentSection, agentSchema } from './config.js';
export type { AgentConfig } from './config.js';
export { AgentStoppedError } from './controlplane/agent-identity.js';
export type { ConnectionState } from './controlplane/sync-follower.js';
export { IdentityCache } from './cache/identity-cache.js';
export { WORKLOAD_HEADER } from './workloadapi/security-header.js';
export { sdsProtos, SECRET_TYPE_URL } from './sds/index.js';
export { AgentSvidStore } from './controlplane/agent-svid-store.js';
