/**
 * `@signet/ca`: Signet's certificate authority. It keeps X.509 CA and JWT signing authorities
 * rotating through a journal in Postgres (one rotating replica, every replica signing), publishes
 * the trust bundle, signs X.509-SVIDs and JWT-SVIDs for authorized callers with every issuance
 * recorded, and serves `signet.ca.v1.CA`. Re-exports only.
 *
 * Replicas and keys: every replica signs with the active authorities and learns of rotations
 * from the change log; one at a time rotates (a Postgres advisory lock). Private keys never leave
 * the process that holds them and are never stored in Postgres, so replicas must share a key
 * manager: the `disk` key manager serves replicas on one host sharing `<data_dir>/keys`;
 * replicas on several hosts need a shared (KMS-backed) `KeyManager`. A replica that lacks the
 * active key answers UNAVAILABLE for signing and says why in its log.
 *
 * @example
 * ```ts
 * import { caSection, createCaService } from '@signet/ca';
 * const schema = configSchema(coreSections(), caSection);
 * const ca = await createCaService({ db, config, clock, logger, meter, tracer, authorizer });
 * await ca.start();
 * ```
 * @module
 */
export { caConfigSchema, caSection } from './config.js';
export type { CaConfig } from './config.js';
export { createCaService } from './app.js';
export type { CaServiceConfig, CaServiceHandle, CreateCaServiceOptions } from './app.js';

// Key managers
export { KEY_TYPES, generatePrivateKey, isKeyType, keyTypeOf } from './keymanager/key-types.js';
export type { KeyType } from './keymanager/key-types.js';
export { checkKeyId, managedKey } from './keymanager/key-manager.js';
export type { KeyManager, KeySigner, ManagedKey } from './keymanager/key-manager.js';
export { MemoryKeyManager } from './keymanager/memory.js';
export { DiskKeyManager } from './keymanager/disk.js';
export { KEY_MANAGERS, createKeyManager } from './keymanager/registry.js';
export type { KeyManagerName } from './keymanager/registry.js';

// Upstream authorities
export type { UpstreamAuthority, UpstreamMintRequest, UpstreamMintResult } from './upstream/upstream.js';
export { DiskUpstreamAuthority } from './upstream/disk.js';
export type { DiskUpstreamOptions } from './upstream/disk.js';
export { UPSTREAM_TYPES, createUpstreamAuthority } from './upstream/registry.js';
export type { UpstreamConfig } from './upstream/registry.js';

// Authorities
export { AuthorityFactory } from './authority/authority-factory.js';
export type { AuthorityFactoryOptions, CreatedAuthority } from './authority/authority-factory.js';
export { AuthorityManager } from './authority/manager.js';
export type { AuthorityManagerOptions, TickResult } from './authority/manager.js';
export type { AppliedStep } from './authority/journal-change.js';
export { activationTime, isPublished, nextRotationStep, preparationTime, retiredAuthorities } from './authority/rotation-policy.js';
export type { RotationStep, Validity } from './authority/rotation-policy.js';
export { ROTATION_LOCK_CLASS } from './authority/rotation-lock.js';
export type { ActiveJwtAuthority, ActiveX509Authority, AuthoritySnapshot } from './authority/snapshot.js';
export { followAuthorityChanges, isAuthorityChange } from './authority/journal-follower.js';
export { bundleRoots, servingChain } from './authority/chain.js';

// Bundle
export { localBundle, parseStoredBundle } from './bundle/local-bundle.js';
export { publishLocalBundle } from './bundle/publish.js';
export type { PublishedBundle } from './bundle/publish.js';

// Signing
export { CaSigner } from './signing/signer.js';
export type { CaSignerOptions } from './signing/signer.js';
export type {
  AgentX509SvidRequest,
  IssuanceRecorder,
  JwtSvidRequest,
  SignedJwtSvid,
  SignedX509Svid,
  SigningAuthorities,
  X509SvidRequest,
} from './signing/requests.js';
export type { AuthorizedEntry, EntryAuthorizer } from './signing/entry-authorizer.js';
export { agentSubject, isAgentId, workloadSubject } from './signing/authorize.js';
export type { SvidSubject } from './signing/authorize.js';
export { svidTtlSeconds } from './signing/ttl.js';
export type { TtlInputs } from './signing/ttl.js';
export { LedgerWriter } from './ledger/ledger-writer.js';
export type { LedgerWriterOptions } from './ledger/ledger-writer.js';
export { pruneExpiredIssuances } from './ledger/prune.js';
export { CaMetrics } from './telemetry/ca-metrics.js';
export type { IssuanceKind, RotationEvent } from './telemetry/ca-metrics.js';

// API
export { caService } from './api/ca/v1/service.js';
export type { AuthorityAdmin, CaServiceDeps } from './api/ca/v1/service.js';
export { startServerSvidRequestSigner } from './server-svid/request-signer.js';
export type { ServerSvidRequestSignerOptions } from './server-svid/request-signer.js';
