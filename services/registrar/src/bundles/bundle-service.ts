/**
 * Trust bundles for admins: the local bundle (written by the CA; read only here) and federated
 * bundles, listed, shown, set by hand and deleted. A bundle set by hand is stored with source
 * `manual`; a SPIFFE document keeps its own `spiffe_sequence`, and one without (or PEM) gets
 * the store's next write counter as its sequence. Every write appends a `bundle.updated` or
 * `bundle.deleted` event in the same transaction. A bundle that entries federate with cannot be
 * deleted while no federation relationship would fetch it again.
 *
 * @example
 * ```ts
 * const bundles = new BundleService({ db, trustDomain, clock, limits, tracer });
 * await bundles.setFederated({ trustDomain: 'partner.example', format: 'pem', document: pem });
 * ```
 * @module
 */
import type { Tracer } from '@opentelemetry/api';
import {
  appendEvent,
  countEntries,
  deleteBundle,
  EventKinds,
  getBundle,
  getFederationRelationship,
  listTaintedAuthorities,
  listTrustedByAllTrustDomains,
  listBundles,
  putBundle,
  type Db,
  type StoredBundle,
  DatastoreError,
} from '@signet/datastore';
import { ApiError, type Clock } from '@signet/platform';
import type { TrustDomain } from '@signet/spiffe';
import { parseTrustDomainName } from '../entries/validate-federates-with.js';
import { nextPageToken, resolvePage, type PageLimits, type PageRequestInput } from '../internal/page-token.js';
import { inSpan } from '../telemetry/spans.js';
import { bundleView, type BundleView } from './bundle-view.js';
import { parseBundleDocument } from './parse-bundle-document.js';

/** Dependencies of {@link BundleService}. */
export interface BundleServiceDeps {
  readonly db: Db;
  readonly trustDomain: TrustDomain;
  readonly clock: Pick<Clock, 'now'>;
  readonly limits: PageLimits;
  readonly tracer: Tracer;
}

/** A bundle to set by hand. */
export interface SetBundleRequest {
  readonly trustDomain: string;
  /** `spiffe`, `pem`, or `''` to recognise it. */
  readonly format: string;
  readonly document: string;
}

/** A page of federated bundles and the next page's token (`''` on the last page). */
export interface BundlePage {
  readonly bundles: readonly BundleView[];
  readonly nextPageToken: string;
}

/** Bundle operations; see the module documentation. */
export class BundleService {
  readonly #deps: BundleServiceDeps;

  constructor(deps: BundleServiceDeps) {
    this.#deps = deps;
  }

  /** The local trust domain's bundle; `not_found` until the CA has published one. */
  async getLocal(): Promise<BundleView> {
    const [local] = await listBundles(this.#deps.db, { source: 'local' });
    if (local === undefined) throw new ApiError('not_found', 'bundle: the CA has not published the local bundle yet');
    return bundleView(local, { tainted: await listTaintedAuthorities(this.#deps.db) });
  }

  /** One page of the federated bundles (fetched or set by hand), in trust domain order. */
  async listFederated(page: PageRequestInput | null | undefined): Promise<BundlePage> {
    const scope = { listing: 'federated_bundles', filter: null };
    const resolved = resolvePage(page, { ...scope, limits: this.#deps.limits });
    const all = (await listBundles(this.#deps.db)).filter((b) => b.source !== 'local');
    const after = resolved.position;
    const rest = after === undefined ? all : all.filter((b) => b.trustDomain > after);
    const items = rest.slice(0, resolved.pageSize);
    const last = items[items.length - 1];
    const more = rest.length > items.length && last !== undefined;
    const trusted = new Set(await listTrustedByAllTrustDomains(this.#deps.db));
    const bundles = items.map((b) => bundleView(b, { trustedByAll: trusted.has(b.trustDomain) }));
    return { bundles, nextPageToken: more ? nextPageToken(last.trustDomain, scope) : '' };
  }

  /** The federated bundle of `trustDomain`, or `not_found`. */
  async getFederated(trustDomain: string): Promise<BundleView> {
    const td = this.#foreign(trustDomain);
    const stored = await getBundle(this.#deps.db, td.name);
    if (stored === undefined || stored.source === 'local') throw notFound(td.name);
    return this.#federatedView(stored);
  }

  /** Creates or replaces the bundle of a foreign trust domain. */
  async setFederated(request: SetBundleRequest): Promise<BundleView> {
    const td = this.#foreign(request.trustDomain);
    const parsed = parseBundleDocument(td, request.format, request.document);
    const now = this.#deps.clock.now();
    const stored = await inSpan(this.#deps.tracer, 'registrar.bundles.put', { 'spiffe.trust_domain': td.name }, () =>
      this.#deps.db.transaction(async (tx) => {
        const current = await getBundle(tx, td.name);
        if (current?.source === 'local') throw localBundle(td.name);
        const expectedSequence = current?.sequence ?? 0;
        const bundle = parsed.sequenceNumber === undefined ? parsed.withSequenceNumber(BigInt(expectedSequence + 1)) : parsed;
        const row = await putBundle(tx, { trustDomain: td.name, document: JSON.parse(bundle.toJson()), source: 'manual' }, now, {
          expectedSequence,
        });
        await appendEvent(tx, { kind: EventKinds.bundleUpdated, subject: td.name, payload: { sequence: row.sequence, source: 'manual' } }, now);
        return row;
      }),
    ).catch(rethrowConflict);
    return this.#federatedView(stored);
  }

  /** Deletes the federated bundle of `trustDomain`; resolves what was deleted. */
  async deleteFederated(trustDomain: string): Promise<BundleView> {
    const td = this.#foreign(trustDomain);
    const now = this.#deps.clock.now();
    const deleted = await inSpan(this.#deps.tracer, 'registrar.bundles.delete', { 'spiffe.trust_domain': td.name }, () =>
      this.#deps.db.transaction(async (tx) => {
        const current = await getBundle(tx, td.name);
        if (current === undefined) throw notFound(td.name);
        if (current.source === 'local') throw localBundle(td.name);
        const users = await countEntries(tx, { federatesWith: { trustDomains: [td.name], match: 'superset' } });
        if (users > 0 && (await getFederationRelationship(tx, td.name)) === undefined) {
          throw new ApiError(
            'failed_precondition',
            `trust_domain: ${users} entries federate with "${td.name}"; remove it from their federates_with first, or create a federation relationship for it`,
            { field: 'trust_domain' },
          );
        }
        const row = await deleteBundle(tx, td.name);
        await appendEvent(tx, { kind: EventKinds.bundleDeleted, subject: td.name, payload: { sequence: row.sequence, source: row.source } }, now);
        return row;
      }),
    );
    return bundleView(deleted);
  }

  /** A federated bundle's view, marked when its federation relationship is trusted by all workloads. */
  async #federatedView(stored: StoredBundle): Promise<BundleView> {
    const relationship = await getFederationRelationship(this.#deps.db, stored.trustDomain);
    return bundleView(stored, { trustedByAll: relationship?.trustedByAll === true });
  }

  #foreign(value: string): TrustDomain {
    const td = parseTrustDomainName(value, 'trust_domain');
    if (td.equals(this.#deps.trustDomain)) {
      throw ApiError.invalid('trust_domain', `"${td.name}" is this server's own trust domain; its bundle is the local bundle, managed by the CA`);
    }
    return td;
  }
}

function notFound(td: string): ApiError {
  return new ApiError('not_found', `trust_domain: no federated bundle for "${td}"`, { field: 'trust_domain' });
}

function localBundle(td: string): ApiError {
  return new ApiError('failed_precondition', `trust_domain: the bundle of "${td}" is the local bundle, managed by the CA`, { field: 'trust_domain' });
}

function rethrowConflict(err: unknown): never {
  if (err instanceof DatastoreError && err.code === 'ERR_DATASTORE_CONFLICT') {
    throw new ApiError('aborted', 'trust_domain: the bundle changed while it was being set; retry', { field: 'trust_domain', cause: err });
  }
  throw err;
}
