/**
 * What the entry operations depend on, injected once by the composition root.
 * @module
 */
import type { Tracer } from '@opentelemetry/api';
import { ApiError, type Clock } from '@signet/platform';
import type { Db } from '@signet/datastore';
import type { TrustDomain } from '@signet/spiffe';
import type { RegistrarLimits } from '../config.js';
import type { TrustDomainCatalog } from './trust-domain-catalog.js';
import type { EntryRules } from './validate-entry.js';

/** Dependencies of the entry operations. */
export interface EntryDeps {
  readonly db: Db;
  readonly trustDomain: TrustDomain;
  readonly clock: Pick<Clock, 'now'>;
  readonly limits: RegistrarLimits;
  readonly catalog: TrustDomainCatalog;
  readonly tracer: Tracer;
}

/** The validation rules as of `now`; the catalog is read only when some item federates. */
export async function entryRules(deps: EntryDeps, now: Date, needFederation: boolean): Promise<EntryRules> {
  return {
    trustDomain: deps.trustDomain,
    maxX509SvidTtl: deps.limits.maxX509SvidTtl,
    maxJwtSvidTtl: deps.limits.maxJwtSvidTtl,
    now,
    federatedTrustDomains: needFederation ? await deps.catalog.federatedTrustDomains() : new Set<string>(),
  };
}

/** Refuses a batch larger than the configured maximum, naming the list `field`. */
export function checkBatchSize(count: number, deps: EntryDeps, field: string): void {
  if (count > deps.limits.maxBatchSize) {
    throw ApiError.invalid(field, `holds ${count} items; at most ${deps.limits.maxBatchSize} are accepted per request`);
  }
}
