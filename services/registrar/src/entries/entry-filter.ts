/**
 * The filters of an entry listing, checked: SPIFFE IDs must parse, selectors follow the selector
 * rules, trust domains must be valid names, and a match mode needs something to match. Every
 * given filter must hold. Selector and trust-domain sets are compared as:
 * - `exact`: the entry's set equals the given one (the default);
 * - `subset`: the entry's set is a subset of the given one (what a workload with these selectors may get);
 * - `superset`: the entry's set contains all the given ones;
 * - `match_any`: the sets share at least one element.
 * @module
 */
import { ApiError } from '@signet/platform';
import { normalizeSelectors, type EntryFilter, type SetMatch } from '@signet/datastore';
import { SpiffeId } from '@signet/spiffe';
import type { SelectorInput } from './entry-draft.js';
import { parseTrustDomainName } from './validate-federates-with.js';
import { checkSelectors } from './validate-selectors.js';

/** An entry listing's filters as requested (`''`, an empty list or `undefined`: no filter). */
export interface EntryFilterInput {
  readonly spiffeId?: string | undefined;
  readonly parentId?: string | undefined;
  readonly hint?: string | undefined;
  readonly selectors?: readonly SelectorInput[] | undefined;
  /** Default `exact`. */
  readonly selectorMatch?: SetMatch | undefined;
  readonly federatesWith?: readonly string[] | undefined;
  /** Default `exact`. */
  readonly federatesWithMatch?: SetMatch | undefined;
}

/** Checks the filters; errors name the request field (`selectors[1].type`, `federates_with_match`). */
export function checkEntryFilter(input: EntryFilterInput): EntryFilter {
  const filter: { -readonly [K in keyof EntryFilter]: EntryFilter[K] } = {};
  if (input.spiffeId) filter.spiffeId = parseId(input.spiffeId, 'spiffe_id');
  if (input.parentId) filter.parentId = parseId(input.parentId, 'parent_id');
  if (input.hint) filter.hint = input.hint;
  const selectors = input.selectors ?? [];
  if (selectors.length > 0) {
    filter.selectors = { selectors: normalizeSelectors(checkSelectors(selectors, 'selectors'), 'selectors'), match: input.selectorMatch ?? 'exact' };
  } else if (input.selectorMatch !== undefined) {
    throw ApiError.invalid('selector_match', 'needs at least one selector to compare with');
  }
  const domains = input.federatesWith ?? [];
  if (domains.length > 0) {
    const names = domains.map((d, i) => parseTrustDomainName(d, `federates_with[${i}]`).name);
    filter.federatesWith = { trustDomains: [...new Set(names)].sort(), match: input.federatesWithMatch ?? 'exact' };
  } else if (input.federatesWithMatch !== undefined) {
    throw ApiError.invalid('federates_with_match', 'needs at least one trust domain to compare with');
  }
  return filter;
}

function parseId(value: string, field: string): string {
  try {
    return SpiffeId.parse(value).toString();
  } catch (err) {
    throw ApiError.invalid(field, `is not a valid SPIFFE ID: ${(err as Error).message}`, err);
  }
}
