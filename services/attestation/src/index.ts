/**
 * `@signet/attestation`: node attestation (join token, x509pop, k8s_psat), the agent
 * lifecycle (attest, renew, evict, ban), the entries each agent may serve, and the stream
 * that keeps agents in sync. Re-exports only.
 *
 * @example
 * ```ts
 * import { attestationSection, createAttestationService } from '@signet/attestation';
 * const schema = configSchema(coreSections(), attestationSection);
 * const attestation = createAttestationService({ db, config: config.attestation, clock, logger, signer, trustDomain });
 * await attestation.start();
 * ```
 * @module
 */
export { createAttestationService } from './app.js';
export type { AttestationApp, AttestationServiceOptions } from './app.js';
export { attestationSection, attestationSchema } from './config.js';
export type { AttestationConfig, K8sPsatClusterConfig } from './config.js';
export { AGENT_ID_PREFIX, agentIdFor, SERVER_ID_PATH, serverIdOf } from './ids.js';
export { attestationMetrics, noMetrics } from './telemetry.js';
export type { AttestationMeter, AttestationMetrics, MetricAttributes } from './telemetry.js';

// Attestors
export type { AttestationResult, AttestContext, ChallengeFn, NodeAttestor } from './attestors/attestor.js';
export { builtIns, loadAttestors } from './attestors/registry.js';
export type { AttestorDeps, BuiltInAttestor } from './attestors/registry.js';
export { JOIN_TOKEN_TYPE, joinTokenAttestor } from './attestors/join-token/join-token.js';
export { X509POP_TYPE, x509PopAttestor } from './attestors/x509pop/x509pop.js';
export { encodeX509PopPayload } from './attestors/x509pop/payload.js';
export { signX509PopChallenge, verifyX509PopResponse, X509POP_CONTEXT, x509PopSignedBytes } from './attestors/x509pop/challenge.js';
export { loadTrustAnchors } from './attestors/x509pop/chain.js';
export { K8S_PSAT_TYPE, k8sPsatAttestor } from './attestors/k8s-psat/k8s-psat.js';
export { encodeK8sPsatPayload } from './attestors/k8s-psat/payload.js';
export type { K8sPsatPayload } from './attestors/k8s-psat/payload.js';

// Agents
export type { Agent, AgentState } from './agents/agent.js';
export type { AgentSvidSigner, SignAgentX509SvidParams, SignedAgentSvid } from './agents/svid-signer.js';
export type { AgentAdmin, AgentListFilter } from './agents/agent-admin.js';
export type { ClassifyPeer, PeerClassification } from './agents/classify-peer.js';
export { attestAgent } from './agents/attest-agent.js';
export type { AttestAgentParams, AttestAgentResult } from './agents/attest-agent.js';
export { renewAgent } from './agents/renew-agent.js';
export type { RenewAgentOptions } from './agents/renew-agent.js';
export { NodeEvents } from './agents/deps.js';
export type { AgentLifecycleDeps } from './agents/deps.js';

// Authorized entries
export { computeAuthorized, matchingAliases } from './authorized/compute.js';
export type { AuthorizedSet } from './authorized/compute.js';
export { EntryIndex } from './authorized/entry-index.js';
export type { EntryIndexView } from './authorized/entry-index.js';
export type { EntryAuthorizer } from './authorized/entry-authorizer.js';

// Sync
export type { SyncMessage } from './sync/sync-message.js';
export type { BundleSnapshot } from './sync/bundle-store.js';
