/**
 * Federation relationships for admins: which foreign trust domains the federation service
 * fetches bundles from, where (an `https://` bundle endpoint) and how the endpoint authenticates
 * (`https_web` or `https_spiffe`), listed and shown with their fetch health.
 *
 * Every write appends its change events in the same transaction, so a failed call leaves nothing
 * behind:
 *
 * - create: `federation_relationship.created`, and, when a bootstrap bundle is given (required for
 *   `https_spiffe`), that bundle stored as the trust domain's federated bundle with
 *   `bundle.updated`;
 * - update: `federation_relationship.updated` with the fields set;
 * - delete: `federation_relationship.deleted`, the fetch status forgotten, and the trust domain's
 *   bundle deleted with `bundle.deleted` (refused while entries federate with the trust domain:
 *   they would name a trust domain Signet no longer knows);
 * - refresh: `federation_relationship.refresh_requested` (subject the trust domain), which the
 *   federation service's fetcher follows. It answers once asked, not once fetched.
 *
 * @example
 * ```ts
 * const federation = new FederationService({ db, trustDomain, clock, limits, tracer });
 * await federation.create({
 *   relationship: { trustDomain: 'partner.example', bundleEndpointUrl: 'https://partner.example/bundle',
 *     bundleEndpointProfile: 'https_web', endpointSpiffeId: '', trustedByAll: false },
 * });
 * ```
 * @module
 */
import type { Tracer } from '@opentelemetry/api';
import {
  appendEvent,
  appendEvents,
  countEntries,
  DatastoreError,
  deleteBundle,
  deleteFederationRelationship,
  deleteFederationStatus,
  EventKinds,
  getBundle,
  getFederationRelationship,
  getFederationStatus,
  listFederationRelationships,
  listFederationStatuses,
  putBundle,
  createFederationRelationship,
  updateFederationRelationship,
  type BundleEndpointProfile,
  type Db,
  type FederationRelationship,
  type FederationRelationshipChanges,
  type NewChangeEvent,
  type Queryable,
} from '@signet/datastore';
import { ApiError, type Clock } from '@signet/platform';
import type { SpiffeBundle, TrustDomain } from '@signet/spiffe';
import { nextPageToken, resolvePage, type PageLimits, type PageRequestInput } from '../internal/page-token.js';
import { inSpan } from '../telemetry/spans.js';
import { federationHealth, needsBundle, type FederationHealthView } from './federation-health.js';
import {
  checkBundleFormat,
  checkEndpointSpiffeId,
  checkEndpointUrl,
  checkProfile,
  FIELDS,
  foreignTrustDomain,
  parseTrustDomainBundle,
} from './validate-relationship.js';

/** Dependencies of {@link FederationService}. */
export interface FederationServiceDeps {
  readonly db: Db;
  readonly trustDomain: TrustDomain;
  readonly clock: Pick<Clock, 'now'>;
  readonly limits: PageLimits;
  readonly tracer: Tracer;
}

/** The settable fields of a relationship, as a request gives them (absent parts `''`/`false`). */
export interface RelationshipDraft {
  readonly trustDomain: string;
  readonly bundleEndpointUrl: string;
  readonly bundleEndpointProfile: string;
  readonly endpointSpiffeId: string;
  readonly trustedByAll: boolean;
}

/** A field an update may set. */
export type RelationshipField = 'bundleEndpointUrl' | 'bundleEndpointProfile' | 'endpointSpiffeId' | 'trustedByAll';

/** Every settable field, in the order of the proto. */
export const RELATIONSHIP_FIELDS: readonly RelationshipField[] = Object.freeze(['bundleEndpointUrl', 'bundleEndpointProfile', 'endpointSpiffeId', 'trustedByAll']);

/** A relationship to create, with the bundle to start from. */
export interface CreateRelationshipRequest {
  readonly relationship: RelationshipDraft;
  /** The bootstrap bundle (UTF-8 text); empty or absent for none. */
  readonly trustDomainBundle?: Uint8Array | undefined;
  /** `spiffe` (or `''`) or `pem`. */
  readonly trustDomainBundleFormat?: string | undefined;
}

/** A change to a relationship. */
export interface UpdateRelationshipRequest {
  readonly relationship: RelationshipDraft;
  /** The fields to set; `undefined` replaces every settable field. */
  readonly fields: ReadonlySet<RelationshipField> | undefined;
}

/** A relationship with its fetch health. */
export interface RelationshipView {
  readonly relationship: FederationRelationship;
  readonly health: FederationHealthView;
}

/** A page of relationships and the next page's token (`''` on the last page). */
export interface RelationshipPage {
  readonly relationships: readonly RelationshipView[];
  readonly nextPageToken: string;
}

const LISTING = 'federation_relationships';

/** The proto names of the fields, for event payloads. */
const PROTO_NAMES: Readonly<Record<RelationshipField, string>> = {
  bundleEndpointUrl: 'bundle_endpoint_url',
  bundleEndpointProfile: 'bundle_endpoint_profile',
  endpointSpiffeId: 'endpoint_spiffe_id',
  trustedByAll: 'trusted_by_all',
};

/** Federation relationship operations; see the module documentation. */
export class FederationService {
  readonly #deps: FederationServiceDeps;

  constructor(deps: FederationServiceDeps) {
    this.#deps = deps;
  }

  /** Creates a relationship (and stores its bootstrap bundle); `already_exists` when the trust domain has one. */
  async create(request: CreateRelationshipRequest): Promise<RelationshipView> {
    const draft = request.relationship;
    const td = foreignTrustDomain(draft.trustDomain, this.#deps.trustDomain, FIELDS.trustDomain);
    const bundleEndpointUrl = checkEndpointUrl(draft.bundleEndpointUrl, FIELDS.bundleEndpointUrl);
    const bundleEndpointProfile = checkProfile(draft.bundleEndpointProfile, FIELDS.bundleEndpointProfile);
    const endpointSpiffeId = checkEndpointSpiffeId(draft.endpointSpiffeId, bundleEndpointProfile, td, FIELDS.endpointSpiffeId);
    const format = checkBundleFormat(request.trustDomainBundleFormat, FIELDS.bundleFormat);
    const bundle = parseTrustDomainBundle(td, request.trustDomainBundle, format, bundleEndpointProfile);
    const now = this.#deps.clock.now();
    const created = await inSpan(this.#deps.tracer, 'registrar.federation.create', { 'spiffe.trust_domain': td.name }, () =>
      this.#deps.db.transaction(async (tx) => {
        if ((await getFederationRelationship(tx, td.name)) !== undefined) throw alreadyExists(td.name);
        const relationship = await createFederationRelationship(
          tx,
          { trustDomain: td.name, bundleEndpointUrl, bundleEndpointProfile, endpointSpiffeId, trustedByAll: draft.trustedByAll === true },
          now,
        );
        const events: NewChangeEvent[] = [
          { kind: EventKinds.federationRelationshipCreated, subject: td.name, payload: relationshipPayload(relationship) },
        ];
        if (bundle !== undefined) events.push(await storeBootstrapBundle(tx, td, bundle, now));
        await appendEvents(tx, events, now);
        return relationship;
      }),
    ).catch(rethrowDatastore(td.name));
    return this.#view(created);
  }

  /** Changes the fields `request.fields` selects (all without a mask); `not_found` when there is no relationship. */
  async update(request: UpdateRelationshipRequest): Promise<RelationshipView> {
    const draft = request.relationship;
    const td = foreignTrustDomain(draft.trustDomain, this.#deps.trustDomain, FIELDS.trustDomain);
    const fields = request.fields ?? new Set(RELATIONSHIP_FIELDS);
    if (fields.size === 0) throw ApiError.invalid(FIELDS.mask, 'selects no field; select at least one, or leave the mask out to replace every settable field');
    const changes: FederationRelationshipChanges = {};
    if (fields.has('bundleEndpointUrl')) changes.bundleEndpointUrl = checkEndpointUrl(draft.bundleEndpointUrl, FIELDS.bundleEndpointUrl);
    if (fields.has('bundleEndpointProfile')) changes.bundleEndpointProfile = checkProfile(draft.bundleEndpointProfile, FIELDS.bundleEndpointProfile);
    if (fields.has('trustedByAll')) changes.trustedByAll = draft.trustedByAll === true;
    const now = this.#deps.clock.now();
    const updated = await inSpan(this.#deps.tracer, 'registrar.federation.update', { 'spiffe.trust_domain': td.name }, () =>
      this.#deps.db.transaction(
        async (tx) => {
          const current = await getFederationRelationship(tx, td.name);
          if (current === undefined) throw notFound(td.name, FIELDS.trustDomain);
          const profile: BundleEndpointProfile = changes.bundleEndpointProfile ?? current.bundleEndpointProfile;
          if (fields.has('endpointSpiffeId')) {
            changes.endpointSpiffeId = checkEndpointSpiffeId(draft.endpointSpiffeId, profile, td, FIELDS.endpointSpiffeId);
          } else if (profile === 'https_web') {
            // The endpoint SPIFFE ID means nothing to https_web: switching to it drops the ID.
            if (current.endpointSpiffeId !== null) changes.endpointSpiffeId = null;
          } else if (current.endpointSpiffeId === null) {
            checkEndpointSpiffeId('', profile, td, FIELDS.endpointSpiffeId);
          }
          if (profile === 'https_spiffe' && current.bundleEndpointProfile !== 'https_spiffe') await requireX509Bundle(tx, td.name);
          const relationship = await updateFederationRelationship(tx, td.name, changes, now);
          await appendEvent(
            tx,
            {
              kind: EventKinds.federationRelationshipUpdated,
              subject: td.name,
              payload: { ...relationshipPayload(relationship), fields: RELATIONSHIP_FIELDS.filter((f) => fields.has(f)).map((f) => PROTO_NAMES[f]) },
            },
            now,
          );
          return relationship;
        },
        { isolation: 'repeatable read' },
      ),
    ).catch(rethrowDatastore(td.name));
    return this.#view(updated);
  }

  /**
   * Deletes the relationship of `trustDomain`, its fetch status and the trust domain's bundle;
   * resolves what was deleted. Refused while entries federate with the trust domain.
   */
  async delete(trustDomain: string): Promise<FederationRelationship> {
    const td = foreignTrustDomain(trustDomain, this.#deps.trustDomain, 'trust_domain');
    const now = this.#deps.clock.now();
    return inSpan(this.#deps.tracer, 'registrar.federation.delete', { 'spiffe.trust_domain': td.name }, () =>
      this.#deps.db.transaction(async (tx) => {
        const current = await getFederationRelationship(tx, td.name);
        if (current === undefined) throw notFound(td.name, 'trust_domain');
        const users = await countEntries(tx, { federatesWith: { trustDomains: [td.name], match: 'superset' } });
        if (users > 0) {
          throw new ApiError(
            'failed_precondition',
            `trust_domain: ${users} entries federate with "${td.name}"; remove it from their federates_with before deleting its federation relationship`,
            { field: 'trust_domain' },
          );
        }
        const deleted = await deleteFederationRelationship(tx, td.name);
        await deleteFederationStatus(tx, td.name);
        const events: NewChangeEvent[] = [{ kind: EventKinds.federationRelationshipDeleted, subject: td.name, payload: relationshipPayload(deleted) }];
        const bundle = await getBundle(tx, td.name);
        if (bundle !== undefined && bundle.source !== 'local') {
          const row = await deleteBundle(tx, td.name);
          events.push({ kind: EventKinds.bundleDeleted, subject: td.name, payload: { sequence: row.sequence, source: row.source } });
        }
        await appendEvents(tx, events, now);
        return deleted;
      }),
    );
  }

  /** The relationship of `trustDomain` with its health, or `not_found`. */
  async get(trustDomain: string): Promise<RelationshipView> {
    const td = foreignTrustDomain(trustDomain, this.#deps.trustDomain, 'trust_domain');
    const relationship = await getFederationRelationship(this.#deps.db, td.name);
    if (relationship === undefined) throw notFound(td.name, 'trust_domain');
    return this.#view(relationship);
  }

  /** One page of relationships with their health, in trust domain order. */
  async list(page: PageRequestInput | null | undefined): Promise<RelationshipPage> {
    const scope = { listing: LISTING, filter: null };
    const resolved = resolvePage(page, { ...scope, limits: this.#deps.limits });
    const { db, clock } = this.#deps;
    const rows = await inSpan(this.#deps.tracer, 'registrar.federation.list', { 'signet.page_size': resolved.pageSize }, () =>
      listFederationRelationships(db, { pageSize: resolved.pageSize, pageToken: resolved.position }),
    );
    const statuses = new Map((await listFederationStatuses(db, rows.items.map((r) => r.trustDomain))).map((s) => [s.trustDomain, s]));
    const now = clock.now();
    const relationships: RelationshipView[] = [];
    for (const relationship of rows.items) {
      const status = statuses.get(relationship.trustDomain);
      const bundle = needsBundle(status) ? await getBundle(db, relationship.trustDomain) : undefined;
      relationships.push({ relationship, health: federationHealth({ relationship, status, bundle, now }) });
    }
    return { relationships, nextPageToken: nextPageToken(rows.nextPageToken, scope) };
  }

  /** Asks the federation service to fetch the bundle of `trustDomain` now; `not_found` when there is no relationship. */
  async refresh(trustDomain: string): Promise<RelationshipView> {
    const td = foreignTrustDomain(trustDomain, this.#deps.trustDomain, 'trust_domain');
    const now = this.#deps.clock.now();
    const relationship = await inSpan(this.#deps.tracer, 'registrar.federation.refresh', { 'spiffe.trust_domain': td.name }, () =>
      this.#deps.db.transaction(async (tx) => {
        const current = await getFederationRelationship(tx, td.name);
        if (current === undefined) throw notFound(td.name, 'trust_domain');
        await appendEvent(tx, { kind: EventKinds.federationRefreshRequested, subject: td.name, payload: {} }, now);
        return current;
      }),
    );
    return this.#view(relationship);
  }

  async #view(relationship: FederationRelationship): Promise<RelationshipView> {
    const { db, clock } = this.#deps;
    const status = await getFederationStatus(db, relationship.trustDomain);
    const bundle = needsBundle(status) ? await getBundle(db, relationship.trustDomain) : undefined;
    return { relationship, health: federationHealth({ relationship, status, bundle, now: clock.now() }) };
  }
}

/**
 * Stores `bundle` as the federated bundle of `td` (replacing what is held), numbered like a bundle
 * set by hand: its own `spiffe_sequence`, or the store's next write counter; returns the event.
 */
async function storeBootstrapBundle(tx: Queryable, td: TrustDomain, bundle: SpiffeBundle, now: Date): Promise<NewChangeEvent> {
  const current = await getBundle(tx, td.name);
  const expectedSequence = current?.sequence ?? 0;
  const numbered = bundle.sequenceNumber === undefined ? bundle.withSequenceNumber(BigInt(expectedSequence + 1)) : bundle;
  const row = await putBundle(tx, { trustDomain: td.name, document: JSON.parse(numbered.toJson()), source: 'federated' }, now, { expectedSequence });
  return { kind: EventKinds.bundleUpdated, subject: td.name, payload: { sequence: row.sequence, source: 'federated' } };
}

/** An https_spiffe endpoint is authenticated with the trust domain's X.509 authorities: one must be held. */
async function requireX509Bundle(tx: Queryable, td: string): Promise<void> {
  const bundle = await getBundle(tx, td);
  const keys = bundle?.document['keys'];
  const hasX509 = Array.isArray(keys) && keys.some((k) => k !== null && typeof k === 'object' && !Array.isArray(k) && k['use'] === 'x509-svid');
  if (bundle === undefined || bundle.source === 'local' || !hasX509) {
    throw new ApiError(
      'failed_precondition',
      `${FIELDS.bundleEndpointProfile}: "https_spiffe" authenticates the endpoint with the X.509 authorities of "${td}", and none are held; ` +
        'set its bundle first (SetFederatedBundle, `signet bundle set`)',
      { field: FIELDS.bundleEndpointProfile },
    );
  }
}

function relationshipPayload(r: FederationRelationship): Record<string, string | boolean | null> {
  return {
    bundle_endpoint_url: r.bundleEndpointUrl,
    bundle_endpoint_profile: r.bundleEndpointProfile,
    endpoint_spiffe_id: r.endpointSpiffeId,
    trusted_by_all: r.trustedByAll,
  };
}

function notFound(td: string, field: string): ApiError {
  return new ApiError('not_found', `${field}: no federation relationship for "${td}"`, { field });
}

function alreadyExists(td: string): ApiError {
  return new ApiError('already_exists', `${FIELDS.trustDomain}: a federation relationship for "${td}" already exists; change it with UpdateFederationRelationship`, {
    field: FIELDS.trustDomain,
  });
}

/** Datastore errors of a racing writer, in the API's words. */
function rethrowDatastore(td: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof DatastoreError && err.code === 'ERR_DATASTORE_ALREADY_EXISTS') throw alreadyExists(td);
    if (err instanceof DatastoreError && err.code === 'ERR_DATASTORE_CONFLICT') {
      throw new ApiError('aborted', `${FIELDS.trustDomain}: the bundle of "${td}" changed while the relationship was being written; retry`, {
        field: FIELDS.trustDomain,
        cause: err,
      });
    }
    throw err;
  };
}
