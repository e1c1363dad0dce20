/**
 * `federates_with` rules: each item names a trust domain (`partner.example`, or SPIRE's form
 * `spiffe://partner.example`), other than this server's, that Signet already knows (a federation
 * relationship or a stored bundle), without repeats. Names are returned in canonical form.
 * @module
 */
import { ApiError } from '@signet/platform';
import { TrustDomain } from '@signet/spiffe';

/** What the check needs to know. */
export interface FederationContext {
  /** This server's trust domain. */
  readonly local: TrustDomain;
  /** Trust domains with a federation relationship or a federated bundle. */
  readonly known: ReadonlySet<string>;
}

/** Parses one trust domain name as given in a request (bare or `spiffe://` form); errors name `field`. */
export function parseTrustDomainName(value: string, field: string): TrustDomain {
  if (typeof value !== 'string' || value === '') throw ApiError.invalid(field, 'must not be empty');
  const name = value.startsWith('spiffe://') ? value.slice('spiffe://'.length) : value;
  try {
    return TrustDomain.parse(name);
  } catch (err) {
    throw ApiError.invalid(field, `is not a valid trust domain: ${(err as Error).message}`, err);
  }
}

/** Checks the list `field` (e.g. `entries[0].federates_with`). */
export function checkFederatesWith(values: readonly string[] | null | undefined, field: string, ctx: FederationContext): string[] {
  const list = values ?? [];
  if (!Array.isArray(list)) throw ApiError.invalid(field, 'must be a list of trust domains');
  const seen = new Set<string>();
  return list.map((value, i) => {
    const itemField = `${field}[${i}]`;
    const td = parseTrustDomainName(value, itemField);
    if (td.equals(ctx.local)) throw ApiError.invalid(itemField, `"${td.name}" is this server's own trust domain; list only foreign ones`);
    if (seen.has(td.name)) throw ApiError.invalid(itemField, `repeats trust domain "${td.name}"`);
    if (!ctx.known.has(td.name)) {
      throw ApiError.invalid(itemField, `trust domain "${td.name}" is unknown: create a federation relationship or set its bundle first`);
    }
    seen.add(td.name);
    return td.name;
  });
}
