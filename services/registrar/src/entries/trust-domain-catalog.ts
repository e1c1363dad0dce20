/**
 * Which foreign trust domains an entry may federate with: those Signet knows how to trust,
 * because a federation relationship fetches their bundle or an operator stored one.
 *
 * @example
 * ```ts
 * const catalog = datastoreTrustDomainCatalog(db);
 * (await catalog.federatedTrustDomains()).has('partner.example'); // true once a bundle or relationship exists
 * ```
 * @module
 */
import { listBundles, listFederationRelationships, type Queryable } from '@signet/datastore';

/** The source of known federated trust domains that entry validation consumes. */
export interface TrustDomainCatalog {
  /** Names of the trust domains with a federation relationship or a stored federated bundle. */
  federatedTrustDomains(): Promise<ReadonlySet<string>>;
}

/** A {@link TrustDomainCatalog} reading the datastore's bundles and federation relationships. */
export function datastoreTrustDomainCatalog(q: Queryable): TrustDomainCatalog {
  return {
    async federatedTrustDomains() {
      const known = new Set<string>();
      for (const bundle of await listBundles(q)) if (bundle.source !== 'local') known.add(bundle.trustDomain);
      let pageToken: string | undefined;
      do {
        const page = await listFederationRelationships(q, { pageSize: 1000, pageToken });
        for (const relationship of page.items) known.add(relationship.trustDomain);
        pageToken = page.nextPageToken;
      } while (pageToken !== undefined);
      return known;
    },
  };
}
