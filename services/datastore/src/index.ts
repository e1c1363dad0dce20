/**
 * `@signet/datastore`: Signet's state in Postgres (a server through `pg`, or
 * embedded PGlite), with migrations, typed repositories grouped by owning
 * service, and an ordered change log that replicas can follow.
 *
 * @example
 * ```ts
 * import { openDatastore, createEntry, appendEvent, EventKinds } from '@signet/datastore';
 * const db = await openDatastore({ url: config.databaseUrl, dataDir: config.dataDir });
 * await db.transaction(async (tx) => {
 *   const entry = await createEntry(tx, input, clock.now());
 *   await appendEvent(tx, { kind: EventKinds.entryCreated, subject: entry.id }, clock.now());
 * });
 * ```
 * @module
 */

// Errors, time, logging
export * from './errors.js';
export { type Clock, systemClock } from './clock.js';
export { type DatastoreLogger, type LogFields, silentLogger, stderrLogger } from './logger.js';

// Engines
export type {
  Db,
  Engine,
  IsolationLevel,
  ListenOptions,
  Queryable,
  QueryResult,
  SqlRunner,
  TransactionOptions,
  Tx,
  Unlisten,
} from './db/types.js';
export { openDatastore, type OpenDatastoreOptions } from './open.js';
export { openPostgres, type PostgresOptions } from './db/postgres.js';
export { openPGlite, type PGliteOptions } from './db/pglite.js';
export { runInTransaction } from './db/run-in-transaction.js';
export { translateDbError } from './db/translate-error.js';

// Migrations
export { applyMigrations, type MigrateOptions, type MigrateResult } from './migrations/migrate.js';
export { MIGRATIONS } from './migrations/index.js';
export { type Migration, migrationChecksum, migrationLabel } from './migrations/migration.js';

// Shared value types
export {
  checkSetMatch,
  compareSelectors,
  normalizeSelectors,
  SET_MATCHES,
  type Selector,
  selectorsHash,
  type SetMatch,
} from './selector.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page, type PageRequest } from './internal/pagination.js';
export type { JsonObject, JsonValue } from './internal/json.js';

// registrar
export type { NewRegistrationEntry, RegistrationEntry, RegistrationEntryChanges } from './registrar/entry.js';
export { batchCreateEntries, createEntry } from './registrar/entries-create.js';
export {
  type DeleteEntryOptions,
  deleteEntry,
  pruneExpiredEntries,
  type UpdateEntryRequest,
  updateEntry,
} from './registrar/entries-update.js';
export {
  countEntries,
  listExpiredEntryIds,
  type EntryFilter,
  getEntries,
  getEntry,
  listEntries,
  listEntriesByParentIds,
} from './registrar/entries-read.js';
export {
  consumeJoinToken,
  createJoinToken,
  getJoinToken,
  hashJoinToken,
  type JoinToken,
  type NewJoinToken,
  pruneJoinTokens,
} from './registrar/join-tokens.js';

// federation
export {
  type BundleEndpointProfile,
  createFederationRelationship,
  deleteFederationRelationship,
  type FederationRelationship,
  type FederationRelationshipChanges,
  getFederationRelationship,
  listFederationRelationships,
  listTrustedByAllTrustDomains,
  type NewFederationRelationship,
  updateFederationRelationship,
} from './federation/federation-relationships.js';
export {
  claimFederationLease,
  releaseFederationLease,
  deleteFederationStatus,
  getFederationStatus,
  listFederationStatuses,
  recordFederationFailure,
  recordFederationSuccess,
} from './federation/federation-status.js';
export type { FederationStatus } from './federation/federation-status.js';

// attestation
export type { AttestedNode, AttestedNodeChanges, NewAttestedNode } from './attestation/node.js';
export { banNode, createNode, evictNode, getNode, listNodes, type NodeFilter, updateNode } from './attestation/nodes.js';
export { getNodeSelectors, listNodeSelectors, setNodeSelectors } from './attestation/node-selectors.js';

// ca
export {
  type Authority,
  type AuthorityKind,
  type AuthorityState,
  AUTHORITY_TRANSITIONS,
} from './ca/authority.js';
export {
  type Activation,
  activateAuthority,
  type AuthorityFilter,
  type AuthorityTransition,
  getAuthority,
  insertAuthority,
  listAuthorities,
  listTaintedAuthorities,
  type NewAuthority,
  type TaintedAuthorities,
  transitionAuthority,
} from './ca/authorities.js';
export {
  type BundleInput,
  type BundleSource,
  deleteBundle,
  getBundle,
  listBundles,
  putBundle,
  type PutBundleOptions,
  type StoredBundle,
} from './ca/bundles.js';
export {
  claimPendingServerSvidRequests,
  completeServerSvidRequest,
  createServerSvidRequest,
  getServerSvidRequest,
  pruneServerSvidRequests,
} from './ca/server-svid-requests.js';
export type { ServerSvidRequest } from './ca/server-svid-requests.js';
export {
  type IssuanceRecord,
  listExpiringIssuances,
  listIssuancesByAuthority,
  pruneIssuances,
  recordIssuances,
} from './ca/issuance-ledger.js';

// events
export {
  type ChangeEvent,
  EVENTS_CHANNEL,
  type EventKind,
  EventKinds,
  type KnownEventKind,
  type NewChangeEvent,
} from './events/event.js';
export { appendEvent, appendEvents } from './events/append.js';
export {
  latestRevision,
  MAX_READ_LIMIT,
  pruneEvents,
  type PruneEventsResult,
  readEvents,
  type ReadEventsResult,
} from './events/read.js';
export { type EventSubscription, type SubscribeEventsOptions, subscribeEvents } from './events/subscribe.js';

// Test support for services built on the datastore
export {
  openPGliteTestDatabase,
  openPostgresTestDatabase,
  type PostgresTestDatabaseOptions,
  probeTestPostgres,
  resetDatastore,
  type TestDatabase,
  type TestPostgresProbe,
  testDatabaseUrl,
} from './testing/test-databases.js';
